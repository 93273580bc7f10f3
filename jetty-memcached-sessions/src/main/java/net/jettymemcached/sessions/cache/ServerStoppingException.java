package net.jettymemcached.sessions.cache;

import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpStatus;

/**
 * A request that arrived while memcached sessions stop, refused where it would lock or make a session (see
 * {@link RequestsInFlight}). Thrown where Jetty resolves or makes the request's session id; Jetty answers it with 503.
 */
public class ServerStoppingException extends HttpException.RuntimeException
{
    private final long retryAfterSeconds;

    public ServerStoppingException(long retryAfterSeconds)
    {
        super(HttpStatus.SERVICE_UNAVAILABLE_503, "The server is stopping; please retry.");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** @return the {@code Retry-After} the client is sent */
    public long getRetryAfterSeconds()
    {
        return retryAfterSeconds;
    }

    /** Expected while stopping; the status says everything. */
    @Override
    public synchronized Throwable fillInStackTrace()
    {
        return this;
    }
}
