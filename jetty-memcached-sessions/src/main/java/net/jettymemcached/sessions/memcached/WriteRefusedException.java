package net.jettymemcached.sessions.memcached;

/** The node answered but did not store the value (too large, out of memory, ...). */
public class WriteRefusedException extends MemcachedAccessException
{
    public WriteRefusedException(String message)
    {
        super(message);
    }
}
