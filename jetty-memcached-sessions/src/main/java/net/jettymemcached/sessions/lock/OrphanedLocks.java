package net.jettymemcached.sessions.lock;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import net.jettymemcached.sessions.memcached.MemcachedAccessException;
import net.jettymemcached.sessions.node.MemcachedNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Locks that may be left in memcached by an operation whose outcome is unknown: an {@code add} that timed out (a
 * paused node stores it when it resumes) or a release that did not reach the node. Each is read back and released,
 * if it is still its holder's, when its node answers again, so that the session is not blocked for the rest of
 * {@code lockExpiration}. Keyed by token (waiters' timed-out {@code add}s on one key are orphans of their own).
 * Bounded: beyond {@link #CAPACITY} the oldest are forgotten (they expire by themselves).
 */
final class OrphanedLocks
{
    private static final Logger LOG = LoggerFactory.getLogger(OrphanedLocks.class);
    static final int CAPACITY = 10_000;

    /** Releases one orphan if it is still its holder's. */
    @FunctionalInterface
    interface Release
    {
        boolean release(HeldLock orphan) throws MemcachedAccessException;
    }

    private record Orphan(HeldLock lock)
    {
        String id()
        {
            return lock.node.id() + " " + lock.key + " " + java.util.HexFormat.of().formatHex(lock.token);
        }
    }

    private final Release release;
    /** Guarded by this; keyed by node and lock key, oldest first. */
    private final LinkedHashMap<String, Orphan> orphans = new LinkedHashMap<>();

    OrphanedLocks(Release release)
    {
        this.release = release;
    }

    /**
     * Kept until the node answers again, however long that takes: a paused node stores a buffered {@code add} only
     * when it resumes, so its expiry starts then. Its CAS, if known, may not survive a restart of the node: forgotten.
     */
    synchronized void add(HeldLock lock)
    {
        lock.cas(-1);
        Orphan orphan = new Orphan(lock);
        orphans.put(orphan.id(), orphan);
        while (orphans.size() > CAPACITY)
        {
            Iterator<Map.Entry<String, Orphan>> oldest = orphans.entrySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    synchronized int size()
    {
        return orphans.size();
    }

    /** Releases the orphans on {@code node}; stops at the first failure (the node is down again). */
    void nodeUp(MemcachedNode node)
    {
        int released = 0;
        for (Orphan orphan : waitingFor(node))
        {
            try
            {
                if (release.release(orphan.lock()))
                    released++;
            }
            catch (MemcachedAccessException x)
            {
                LOG.debug("lock {} still not released on {}: {}", orphan.lock().key, node, x.getMessage());
                return;
            }
            remove(orphan);
        }
        if (released > 0)
            LOG.info("memcached node {} answers again: released {} lock(s) left there while it did not", node, released);
    }

    private synchronized List<Orphan> waitingFor(MemcachedNode node)
    {
        List<Orphan> waiting = new ArrayList<>();
        for (Orphan orphan : orphans.values())
        {
            if (orphan.lock().node.id().equals(node.id()))
                waiting.add(orphan);
        }
        return waiting;
    }

    private synchronized void remove(Orphan orphan)
    {
        orphans.remove(orphan.id(), orphan);
    }
}
