package net.jettymemcached.sessions.memcached;

/** The node is down, did not answer within the operation timeout, or dropped the connection. */
public class NodeUnavailableException extends MemcachedAccessException
{
    public NodeUnavailableException(String message)
    {
        super(message);
    }
}
