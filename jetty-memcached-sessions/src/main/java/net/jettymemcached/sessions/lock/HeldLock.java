package net.jettymemcached.sessions.lock;

import net.jettymemcached.sessions.node.MemcachedNode;

/**
 * A session lock one request holds: where it is, the token that makes it this request's, and what is known of it
 * now. Its state is changed only by {@link SessionLocks}, which decides whether a lock is still held: the time its
 * expiry was last set (from just before the {@code add} or renewal was sent, so the lock never lives longer than
 * believed), the CAS of the lock item when known (a release then needs one operation), and whether it was lost.
 */
public final class HeldLock
{
    /** No lock: none was needed, or the request proceeds without one after a lock timeout (counted where decided). */
    public static final HeldLock NONE = new HeldLock(null, null, null, 0);
    /** No lock: its node did not answer and is marked down now; the caller may lock where the session lives now. */
    public static final HeldLock UNREACHABLE = new HeldLock(null, null, null, 0);

    final MemcachedNode node;
    final String key;
    final byte[] token;
    private volatile long expirySetAtNanos;
    private volatile long cas = -1;
    private volatile boolean lost;
    private volatile boolean released;

    HeldLock(MemcachedNode node, String key, byte[] token, long expirySetAtNanos)
    {
        this.node = node;
        this.key = key;
        this.token = token;
        this.expirySetAtNanos = expirySetAtNanos;
    }

    /** @return true if this is a lock in memcached (not {@link #NONE} or {@link #UNREACHABLE}) */
    public boolean exists()
    {
        return node != null;
    }

    long expirySetAtNanos()
    {
        return expirySetAtNanos;
    }

    void renewed(long sentAtNanos)
    {
        expirySetAtNanos = sentAtNanos;
        cas = -1; // a text-protocol cas does not tell the new CAS
    }

    long cas()
    {
        return cas;
    }

    void cas(long cas)
    {
        this.cas = cas;
    }

    boolean isLost()
    {
        return lost;
    }

    /** @return true the first time: a lost lock is counted and logged once */
    synchronized boolean markLost()
    {
        boolean first = !lost;
        lost = true;
        return first;
    }

    boolean isReleased()
    {
        return released;
    }

    void markReleased()
    {
        released = true;
    }

    @Override
    public String toString()
    {
        if (this == NONE)
            return "HeldLock[none]";
        if (this == UNREACHABLE)
            return "HeldLock[unreachable]";
        return "HeldLock[" + key + " on " + node + (lost ? ", lost" : "") + (released ? ", released" : "") + "]";
    }
}
