package net.jettymemcached.sessions.memcached;

import java.io.IOException;

/**
 * A memcached operation that did not do what was asked. The message says which node and why; there is no stack
 * trace because the cause is outside this JVM and Jetty logs these.
 */
public class MemcachedAccessException extends IOException
{
    public MemcachedAccessException(String message)
    {
        super(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace()
    {
        return this;
    }
}
