package net.jettymemcached.sessions.lock;

import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpStatus;

/**
 * A request whose session lock was not obtained within the lock timeout, with {@code lockTimeoutAction=reject}.
 * Thrown where Jetty resolves the request's session id, before the application runs; Jetty answers it with 503.
 */
public class SessionBusyException extends HttpException.RuntimeException
{
    private final long retryAfterSeconds;

    public SessionBusyException(long retryAfterSeconds)
    {
        super(HttpStatus.SERVICE_UNAVAILABLE_503, "The session is busy with another request; please retry.");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** @return the {@code Retry-After} the client should be sent */
    public long getRetryAfterSeconds()
    {
        return retryAfterSeconds;
    }

    /** Expected under load; the status says everything. */
    @Override
    public synchronized Throwable fillInStackTrace()
    {
        return this;
    }
}
