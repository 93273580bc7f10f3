package net.jettymemcached.sessions.lock;

import java.util.Locale;

import net.jettymemcached.sessions.config.InvalidConfigurationException;
import net.jettymemcached.sessions.config.Property;

/** What a request does when it could not get its session's lock within the lock timeout. */
public enum LockTimeoutAction
{
    /** Serve the request without the lock (counted): availability over isolation. */
    PROCEED,
    /** Answer 503 with {@code Retry-After} (counted): isolation over availability. */
    REJECT;

    public static LockTimeoutAction parse(String value)
    {
        try
        {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        }
        catch (RuntimeException x)
        {
            throw new InvalidConfigurationException(Property.LOCK_TIMEOUT_ACTION.key(), value, "must be 'proceed' or 'reject'");
        }
    }
}
