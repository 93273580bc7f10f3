package net.jettymemcached.sessions.lock;

import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpStatus;

/**
 * A request that may not proceed now but may be retried: thrown where Jetty resolves or makes the request's session
 * id, before the application runs; Jetty answers it with 503, to which the module adds {@code Retry-After}.
 */
public class RetryLaterException extends HttpException.RuntimeException
{
    private final long retryAfterSeconds;

    protected RetryLaterException(String reason, long retryAfterSeconds)
    {
        super(HttpStatus.SERVICE_UNAVAILABLE_503, reason);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** @return the {@code Retry-After} the client is sent */
    public long getRetryAfterSeconds()
    {
        return retryAfterSeconds;
    }

    /** Expected under load and while stopping; the status says everything. */
    @Override
    public synchronized Throwable fillInStackTrace()
    {
        return this;
    }
}
