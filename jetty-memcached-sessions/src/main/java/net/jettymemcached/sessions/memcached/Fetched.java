package net.jettymemcached.sessions.memcached;

/**
 * An item read with its CAS unique, the token a conditional write ({@link MemcachedAccess#cas}) must present.
 */
public record Fetched(Item item, long cas)
{
    public byte[] value()
    {
        return item.value();
    }

    public int flags()
    {
        return item.flags();
    }
}
