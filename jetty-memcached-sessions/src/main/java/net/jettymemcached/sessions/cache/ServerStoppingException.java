package net.jettymemcached.sessions.cache;

import net.jettymemcached.sessions.lock.RetryLaterException;

/**
 * A request that arrived while memcached sessions stop, refused where it would lock or make a session (see
 * {@link RequestsInFlight}).
 */
public class ServerStoppingException extends RetryLaterException
{
    public ServerStoppingException(long retryAfterSeconds)
    {
        super("The server is stopping; please retry.", retryAfterSeconds);
    }
}
