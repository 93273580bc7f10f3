package net.jettymemcached.sessions.replication;

import java.time.InstantSource;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import net.jettymemcached.sessions.memcached.Item;
import net.jettymemcached.sessions.memcached.MemcachedAccess;
import net.jettymemcached.sessions.memcached.MemcachedAccessException;
import net.jettymemcached.sessions.node.MemcachedNode;
import org.eclipse.jetty.util.annotation.ManagedAttribute;
import org.eclipse.jetty.util.annotation.ManagedObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tombstones that could not reach their node (it was down or paused when the session ended or moved), written when
 * the node answers again. Until then the tombstones on the other nodes make the copy the node still holds harmless
 * (every read consults them); writing it there as well keeps that copy harmless after those other nodes restart empty.
 * Bounded: beyond {@link #CAPACITY} the oldest are dropped (and counted), and each is dropped when its own TTL has
 * passed (the copy it fences has expired by then).
 */
@ManagedObject("tombstones waiting for their node to answer again")
public final class PendingTombstones
{
    private static final Logger LOG = LoggerFactory.getLogger(PendingTombstones.class);
    static final int CAPACITY = 100_000;

    private record Pending(MemcachedNode node, String key, int ttl, Item item, long expiresAtMs)
    {
    }

    private final MemcachedAccess access;
    private final InstantSource clock;
    /** Guarded by this; keyed by node and key, oldest first. */
    private final LinkedHashMap<String, Pending> pending = new LinkedHashMap<>();
    private long dropped;

    public PendingTombstones(MemcachedAccess access, InstantSource clock)
    {
        this.access = access;
        this.clock = clock;
    }

    /** @param ttl the tombstone's memcached TTL in seconds (at most 30 days, 0 is not used for tombstones) */
    public synchronized void add(MemcachedNode node, String key, int ttl, Item item)
    {
        pending.put(node.id() + " " + key, new Pending(node, key, ttl, item, clock.millis() + ttl * 1000L));
        while (pending.size() > CAPACITY)
        {
            Iterator<Map.Entry<String, Pending>> oldest = pending.entrySet().iterator();
            oldest.next();
            oldest.remove();
            dropped++;
        }
    }

    /** Writes the tombstones waiting for {@code node}; stops at the first failure (the node is down again). */
    public void nodeUp(MemcachedNode node)
    {
        int written = 0;
        for (Pending tombstone : waitingFor(node))
        {
            long remainingMs = tombstone.expiresAtMs() - clock.millis();
            if (remainingMs > 1000)
            {
                try
                {
                    access.set(node, tombstone.key(), (int)(remainingMs / 1000), tombstone.item());
                    written++;
                }
                catch (MemcachedAccessException x)
                {
                    LOG.debug("tombstone {} still not written on {}: {}", tombstone.key(), node, x.getMessage());
                    break;
                }
            }
            remove(tombstone);
        }
        if (written > 0)
            LOG.info("{} tombstone(s) of sessions that ended or moved while {} was unreachable written there", written, node);
    }

    private synchronized java.util.List<Pending> waitingFor(MemcachedNode node)
    {
        return pending.values().stream().filter(p -> p.node().equals(node)).toList();
    }

    private synchronized void remove(Pending tombstone)
    {
        pending.remove(tombstone.node().id() + " " + tombstone.key(), tombstone);
    }

    @ManagedAttribute("Tombstones waiting for their node to answer again")
    public synchronized int getPending()
    {
        return pending.size();
    }

    @ManagedAttribute("Tombstones dropped because too many were waiting")
    public synchronized long getDropped()
    {
        return dropped;
    }
}
