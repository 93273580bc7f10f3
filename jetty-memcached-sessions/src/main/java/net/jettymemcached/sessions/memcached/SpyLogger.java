package net.jettymemcached.sessions.memcached;

import net.spy.memcached.compat.log.AbstractLogger;
import net.spy.memcached.compat.log.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes spymemcached's logging to slf4j one level lower: spymemcached warns on every reconnect attempt (once per
 * second per dead node), which would flood the log while a node is down. Node state changes are logged once by
 * {@link net.jettymemcached.sessions.node.NodeHealth}; spymemcached's details stay available at DEBUG, and its
 * errors still show as warnings — except those of the SASL login's operations (a bare "Auth failure." per attempt),
 * which {@link SaslLogin} reports, throttled, with the node and the user.
 */
public class SpyLogger extends AbstractLogger
{
    private static final String SASL_OPERATIONS = "net.spy.memcached.protocol.binary.SASL";

    private final Logger log;
    private final boolean reportedElsewhere;

    public SpyLogger(String name)
    {
        super(name);
        this.log = LoggerFactory.getLogger(name);
        this.reportedElsewhere = name.startsWith(SASL_OPERATIONS);
    }

    @Override
    public boolean isTraceEnabled()
    {
        return log.isTraceEnabled();
    }

    @Override
    public boolean isDebugEnabled()
    {
        return log.isDebugEnabled();
    }

    @Override
    public boolean isInfoEnabled()
    {
        return log.isDebugEnabled();
    }

    @Override
    public void log(Level level, Object message, Throwable e)
    {
        String text = String.valueOf(message);
        switch (level == null ? Level.INFO : level)
        {
            case ERROR, FATAL ->
            {
                if (!reportedElsewhere)
                    log.warn(text, e);
                else if (log.isDebugEnabled())
                    log.debug(text, e);
            }
            case TRACE -> log.trace(text, e);
            default ->
            {
                if (log.isDebugEnabled())
                    log.debug(text, e);
            }
        }
    }
}
