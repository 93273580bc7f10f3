package net.jettymemcached.sessions.memcached;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.security.auth.callback.CallbackHandler;

import net.jettymemcached.sessions.node.MemcachedNode;
import net.jettymemcached.sessions.stats.ThrottledLog;
import net.spy.memcached.auth.AuthDescriptor;
import net.spy.memcached.auth.PlainCallbackHandler;
import net.spy.memcached.ops.OperationCallback;
import net.spy.memcached.ops.OperationStatus;
import net.spy.memcached.ops.SASLAuthOperation;
import net.spy.memcached.ops.SASLStepOperation;
import net.spy.memcached.ops.StatusCode;
import net.spy.memcached.protocol.binary.BinaryOperationFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SASL login of one node's client, and what became of it. spymemcached logs in again after every reconnect but
 * says nothing useful when the server refuses: it logs a bare "Auth failure." per attempt (about once a second) and
 * its operations then fail as if the node did not answer. This watches the answers to the login's own operations, so
 * that a refusal is logged as such (the node, the mechanism and the user, never the password), once and then at
 * most once a minute while it lasts, counted, and given as the reason the node cannot be used.
 */
public final class SaslLogin
{
    private static final Logger LOG = LoggerFactory.getLogger(SaslLogin.class);
    private static final long REPEAT_MINUTES = 1;

    private final MemcachedNode node;
    private final SaslCredentials credentials;
    private final Runnable refusedCounter;
    private volatile ThrottledLog refusals = newLog();
    private volatile String refusal;

    /** @param refusedCounter told of every refused attempt (the statistics' counter) */
    public SaslLogin(MemcachedNode node, SaslCredentials credentials, Runnable refusedCounter)
    {
        this.node = node;
        this.credentials = credentials;
        this.refusedCounter = refusedCounter;
    }

    private static ThrottledLog newLog()
    {
        return new ThrottledLog(LOG, REPEAT_MINUTES, TimeUnit.MINUTES);
    }

    /** The one mechanism to use, with the credentials. */
    AuthDescriptor descriptor()
    {
        return new AuthDescriptor(new String[]{credentials.mechanism().wireName()},
            new PlainCallbackHandler(credentials.username(), credentials.password()));
    }

    /** The binary protocol's operations, with the login's answers reported here. */
    BinaryOperationFactory operationFactory()
    {
        return new BinaryOperationFactory()
        {
            @Override
            public SASLAuthOperation saslAuth(String[] mech, String serverName, Map<String, ?> props, CallbackHandler cbh, OperationCallback cb)
            {
                return super.saslAuth(mech, serverName, props, cbh, watched(cb));
            }

            @Override
            public SASLStepOperation saslStep(String[] mech, byte[] challenge, String serverName, Map<String, ?> props, CallbackHandler cbh,
                                              OperationCallback cb)
            {
                return super.saslStep(mech, challenge, serverName, props, cbh, watched(cb));
            }
        };
    }

    /**
     * @return why the node cannot be used, e.g. {@code authentication failed (SASL PLAIN, user alice): memcached
     * answered 'Auth failure.'}, or null while no login was refused since the last one that succeeded
     */
    public String refusal()
    {
        return refusal;
    }

    private OperationCallback watched(OperationCallback callback)
    {
        return new OperationCallback()
        {
            @Override
            public void receivedStatus(OperationStatus status)
            {
                answered(status);
                callback.receivedStatus(status);
            }

            @Override
            public void complete()
            {
                callback.complete();
            }
        };
    }

    /** A success with an empty message ends the login (a message is a challenge: CRAM-MD5 goes on). */
    void answered(OperationStatus status)
    {
        if (status.isSuccess())
        {
            if (status.getMessage().isEmpty())
                succeeded();
            return;
        }
        StatusCode code = status.getStatusCode();
        // A cancelled or timed-out step says nothing about the credentials: the connection went.
        if (code == StatusCode.CANCELLED || code == StatusCode.TIMEDOUT || code == StatusCode.INTERRUPTED)
            return;
        refused(status.getMessage());
    }

    private void refused(String answer)
    {
        refusedCounter.run();
        // spymemcached prefixes the server's text with the kind of error it made of it.
        String text = answer == null ? "" : answer.startsWith("SERVER: ") ? answer.substring("SERVER: ".length()) : answer;
        String reason = "authentication failed (" + credentials + "): memcached answered '" + text + "'";
        refusal = reason;
        refusals.warn("memcached node {}: {}; nothing is stored there until a login succeeds (tried again about once a second, " +
            "this line repeated at most once a minute)", node, reason);
    }

    private void succeeded()
    {
        if (refusal == null)
            return;
        refusal = null;
        refusals = newLog();
        LOG.info("memcached node {}: logged in ({})", node, credentials);
    }

    @Override
    public String toString()
    {
        return "SaslLogin[" + node.id() + ", " + credentials + (refusal == null ? "" : ", refused") + "]";
    }
}
