package net.jettymemcached.sessions.replication;

/**
 * A copy's version as its memcached item flags carry it, so that it can be asked for without the value
 * ({@link net.jettymemcached.sessions.memcached.Stamp}): the low 30 bits of the session's generation, and one bit
 * that marks a tombstone. The envelope holds the full generation; the flags only need to tell copies of one session
 * apart, and a session is written far fewer than 2<sup>30</sup> times.
 */
public record CopyVersion(int generation, boolean tombstone)
{
    static final int TOMBSTONE_FLAG = 0x4000_0000;
    static final int GENERATION_MASK = 0x3FFF_FFFF;

    public static CopyVersion of(long generation, boolean tombstone)
    {
        return new CopyVersion((int)(generation & GENERATION_MASK), tombstone);
    }

    public static CopyVersion ofFlags(int flags)
    {
        return new CopyVersion(flags & GENERATION_MASK, (flags & TOMBSTONE_FLAG) != 0);
    }

    public int flags()
    {
        return generation | (tombstone ? TOMBSTONE_FLAG : 0);
    }

    /** @return true if this copy is newer than {@code other} (a tombstone is newer than any copy) */
    public boolean isNewerThan(CopyVersion other)
    {
        if (tombstone != other.tombstone)
            return tombstone;
        return generation > other.generation;
    }
}
