package net.jettymemcached.sessions.memcached;

import net.spy.memcached.CachedData;
import net.spy.memcached.transcoders.Transcoder;

/**
 * Passes bytes and flags through untouched. Session values are encoded and decoded by our codec on the request
 * thread, in the webapp's class loader; spymemcached's own transcoders would deserialize on its threads and swallow
 * failures.
 */
final class ItemTranscoder implements Transcoder<Item>
{
    static final ItemTranscoder INSTANCE = new ItemTranscoder();

    /** Larger than any value we accept; the real limit is enforced before a write. */
    private static final int MAX_SIZE = 64 * 1024 * 1024;

    @Override
    public boolean asyncDecode(CachedData data)
    {
        return false;
    }

    @Override
    public CachedData encode(Item item)
    {
        return new CachedData(item.flags(), item.value(), MAX_SIZE);
    }

    @Override
    public Item decode(CachedData data)
    {
        return new Item(data.getData(), data.getFlags());
    }

    @Override
    public int getMaxSize()
    {
        return MAX_SIZE;
    }
}
