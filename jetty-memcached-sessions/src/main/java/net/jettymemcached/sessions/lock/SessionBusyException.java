package net.jettymemcached.sessions.lock;

/** A request whose session lock was not obtained within the lock timeout, with {@code lockTimeoutAction=reject}. */
public class SessionBusyException extends RetryLaterException
{
    public SessionBusyException(long retryAfterSeconds)
    {
        super("The session is busy with another request; please retry.", retryAfterSeconds);
    }
}
