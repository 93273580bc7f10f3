package net.jettymemcached.sessions.replication;

/**
 * A copy's version as its memcached item flags carry it, so that it can be asked for without the value
 * ({@link net.jettymemcached.sessions.memcached.Stamp}): the low 29 bits of the session's generation, one bit that
 * marks the tombstone of an ended session and one that marks the tombstone of a move. The envelope holds the full
 * generation; the flags only need to tell copies of one session apart, and a session is written far fewer than
 * 2<sup>29</sup> times.
 * <p>
 * Order: the end of a session is final and beats everything; otherwise the higher generation wins, and at equal
 * generation a move beats the copy it moved (it carries that copy's generation). A session that moves back to an id
 * it had before (its nodes died in turn) is newer than the tombstone its first move left there.
 */
public record CopyVersion(int generation, boolean tombstone, boolean moved)
{
    static final int TOMBSTONE_FLAG = 0x4000_0000;
    static final int MOVED_FLAG = 0x2000_0000;
    static final int GENERATION_MASK = 0x1FFF_FFFF;

    /** @param tombstone true for the tombstone of an ended session */
    public static CopyVersion of(long generation, boolean tombstone)
    {
        return new CopyVersion((int)(generation & GENERATION_MASK), tombstone, false);
    }

    /** The tombstone of a session that moved away, carrying the generation of its last copy. */
    public static CopyVersion movedAt(long generation)
    {
        return new CopyVersion((int)(generation & GENERATION_MASK), false, true);
    }

    public static CopyVersion ofFlags(int flags)
    {
        return new CopyVersion(flags & GENERATION_MASK, (flags & TOMBSTONE_FLAG) != 0, (flags & MOVED_FLAG) != 0);
    }

    public int flags()
    {
        return generation | (tombstone ? TOMBSTONE_FLAG : 0) | (moved ? MOVED_FLAG : 0);
    }

    /** @return true for either kind of tombstone: no session under this id here */
    public boolean isMarker()
    {
        return tombstone || moved;
    }

    /** @return true if this copy is newer than {@code other} (see the class comment) */
    public boolean isNewerThan(CopyVersion other)
    {
        if (tombstone != other.tombstone)
            return tombstone;
        if (tombstone)
            return false;
        if (generation != other.generation)
            return generation > other.generation;
        return moved && !other.moved;
    }
}
