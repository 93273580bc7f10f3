package net.jettymemcached.sessions.memcached;

import net.spy.memcached.CachedData;
import net.spy.memcached.transcoders.Transcoder;

/**
 * Passes bytes through untouched. Session values are encoded and decoded by our codec on the request thread, in the
 * webapp's class loader; spymemcached's own transcoders would deserialize on its threads and swallow failures.
 */
final class ByteArrayTranscoder implements Transcoder<byte[]>
{
    static final ByteArrayTranscoder INSTANCE = new ByteArrayTranscoder();

    /** Larger than any value we accept; the real limit is enforced before a write. */
    private static final int MAX_SIZE = 64 * 1024 * 1024;

    @Override
    public boolean asyncDecode(CachedData data)
    {
        return false;
    }

    @Override
    public CachedData encode(byte[] bytes)
    {
        return new CachedData(0, bytes, MAX_SIZE);
    }

    @Override
    public byte[] decode(CachedData data)
    {
        return data.getData();
    }

    @Override
    public int getMaxSize()
    {
        return MAX_SIZE;
    }
}
