package net.jettymemcached.sessions.lock;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

import net.jettymemcached.sessions.id.SessionId;
import net.jettymemcached.sessions.memcached.CasOutcome;
import net.jettymemcached.sessions.memcached.Fetched;
import net.jettymemcached.sessions.memcached.Item;
import net.jettymemcached.sessions.memcached.MemcachedAccess;
import net.jettymemcached.sessions.memcached.MemcachedAccessException;
import net.jettymemcached.sessions.memcached.NodeUnavailableException;
import net.jettymemcached.sessions.node.MemcachedNode;
import net.jettymemcached.sessions.replication.Placement;
import net.jettymemcached.sessions.stats.MemcachedSessionStatistics;
import net.jettymemcached.sessions.stats.ThrottledLog;
import org.eclipse.jetty.util.NanoTime;
import org.slf4j.LoggerFactory;

/**
 * Distributed session locks, and the one judge of whether a lock is held: a memcached {@code add} of the session's
 * lock key ({@code lock:} + its primary key) on the session's node, with an expiry so that a crashed holder cannot
 * block a session for ever, holding a token unique to the holder.
 * <ul>
 * <li>Waiting backs off from 5 ms to 100 ms and is bounded by the lock timeout.</li>
 * <li>Renewal and release are conditional on the token, by CAS: a holder whose lock expired and was taken by another
 * request never extends or deletes that request's lock.</li>
 * <li>Before a session is written, its lock is confirmed (a read of the token); a lock near its expiry, or gone, is
 * renewed (taken again) instead. A lock another request holds now is lost: the write is refused by its caller
 * (fencing).</li>
 * <li>A lock whose {@code add} timed out may have been stored when the node resumed, and a release that failed leaves
 * the lock in place: both are released when the node answers again ({@link OrphanedLocks}).</li>
 * </ul>
 */
public final class SessionLocks
{
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int CAS_ATTEMPTS = 3;

    private final MemcachedAccess access;
    private final Placement placement;
    private final int expirationSeconds;
    /** How long a lock surely lives after its expiry was set: memcached's clock ticks in whole seconds. */
    private final long lifetimeNanos;
    private final long timeoutMs;
    private final MemcachedSessionStatistics stats;
    private final OrphanedLocks orphans;
    private final ThrottledLog lostLog = new ThrottledLog(LoggerFactory.getLogger(SessionLocks.class), 10, TimeUnit.SECONDS);

    /** @param expiration the lock's memcached expiry, at least 2 s (a 1 s item can vanish after a few ms) */
    public SessionLocks(MemcachedAccess access, Placement placement, Duration expiration, Duration timeout, MemcachedSessionStatistics stats)
    {
        this.access = access;
        this.placement = placement;
        this.expirationSeconds = (int)expiration.toSeconds();
        this.lifetimeNanos = TimeUnit.SECONDS.toNanos(expirationSeconds - 1);
        this.timeoutMs = timeout.toMillis();
        this.stats = stats;
        this.orphans = new OrphanedLocks(this::releaseOrphan);
    }

    /** @return how long after its expiry was set a lock is renewed: a third of its sure lifetime */
    Duration renewAfter()
    {
        return Duration.ofNanos(lifetimeNanos / 3);
    }

    /**
     * Takes the lock of session {@code id} under {@code key}, waiting at most the lock timeout.
     *
     * @return the held lock; {@link HeldLock#UNREACHABLE} if the session's node did not answer (an {@code add} that
     * timed out is released when the node answers again); or null if another holder kept it past the timeout
     */
    public HeldLock acquire(SessionId id, String key, String holder) throws InterruptedException
    {
        MemcachedNode node = placement.lockNode(id);
        if (!placement.isLive(node.id()))
            return HeldLock.UNREACHABLE; // known down: nothing is sent, nothing can be left there
        byte[] token = (holder + ":" + HexFormat.of().formatHex(randomBytes())).getBytes(StandardCharsets.US_ASCII);
        Item item = new Item(token, 0);
        long deadline = NanoTime.now() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        long pause = 5;
        boolean waited = false;
        while (true)
        {
            long sent = NanoTime.now();
            try
            {
                if (access.add(node, key, expirationSeconds, item))
                {
                    if (waited)
                        stats.lockWaited();
                    return new HeldLock(node, key, token, sent);
                }
            }
            catch (NodeUnavailableException x)
            {
                orphans.add(new HeldLock(node, key, token, sent));
                return HeldLock.UNREACHABLE;
            }
            catch (MemcachedAccessException x)
            {
                // Refused (out of memory): nothing was stored, and nothing can be locked there now.
                stats.lockProceededUnlocked();
                lostLog.warn("lock {} not taken, the request proceeds unlocked: {}", key, x.getMessage());
                return HeldLock.NONE;
            }
            long remainingMs = NanoTime.millisUntil(deadline);
            if (remainingMs <= 0)
            {
                stats.lockTimedOut();
                return null;
            }
            waited = true;
            Thread.sleep(Math.min(pause, remainingMs));
            pause = Math.min(pause * 2, 100);
        }
    }

    /**
     * Extends the lock's expiry if it is still this holder's (CAS over the token read just before). A lock that is
     * gone (expired, evicted, its node restarted empty) is taken again with the same token if no one else holds it:
     * anyone who held it in between and wrote the session has changed its version, which the write checks.
     *
     * @return true if renewed; false if another request holds it (the lock is lost: counted, logged) or its node did
     * not answer
     */
    public boolean renew(HeldLock held)
    {
        // One operation on a lock at a time: a renewal that overlapped the release could take the lock again.
        synchronized (held)
        {
            return renewHeld(held);
        }
    }

    private boolean renewHeld(HeldLock held)
    {
        if (!held.exists() || held.isLost() || held.isReleased())
            return false;
        try
        {
            for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++)
            {
                long sent = NanoTime.now();
                Fetched current = access.gets(held.node, held.key);
                boolean renewed;
                if (current == null)
                    renewed = access.add(held.node, held.key, expirationSeconds, new Item(held.token, 0));
                else if (!isMine(held, current))
                    return lost(held, "another request took it after it expired");
                else
                    renewed = access.cas(held.node, held.key, current.cas(), expirationSeconds, new Item(held.token, 0)) == CasOutcome.STORED;
                if (renewed)
                {
                    held.renewed(sent);
                    stats.lockRenewed();
                    return true;
                }
            }
            return lost(held, "it kept changing");
        }
        catch (MemcachedAccessException x)
        {
            return false; // still ours, maybe: it is confirmed again before the session is written
        }
    }

    /**
     * Whether a session may be written under this lock, asked just before the write: the lock is read back (renewed
     * if it is near its expiry or gone). Only a lock another request holds now is lost: then the write must be
     * refused. When the lock's node does not answer nothing can be confirmed, and nothing can be taken there by
     * anyone either: the write goes on, under its version checks.
     *
     * @return false if the lock is lost
     */
    public boolean confirm(HeldLock held)
    {
        if (!held.exists())
            return true;
        synchronized (held)
        {
            if (held.isLost())
                return false;
            if (!isDueForRenewal(held, 2))
            {
                try
                {
                    Fetched current = access.gets(held.node, held.key);
                    if (isMine(held, current))
                    {
                        held.cas(current.cas());
                        return true;
                    }
                    if (current != null)
                        return lost(held, "another request took it after it expired");
                }
                catch (MemcachedAccessException x)
                {
                    return true;
                }
            }
            if (renewHeld(held) || held.isLost())
                return !held.isLost();
            // Not confirmed: past its sure lifetime another Jetty, seeing the node answer first, may have taken it.
            return NanoTime.since(held.expirySetAtNanos()) < lifetimeNanos || lost(held, "it could not be renewed before its expiry");
        }
    }

    /**
     * The one rule for when a lock is renewed: {@code thirds} thirds of its sure lifetime after its expiry was set
     * (1 for the renewal rounds, 2 for the last chance before a write).
     */
    boolean isDueForRenewal(HeldLock held, int thirds)
    {
        return NanoTime.since(held.expirySetAtNanos()) >= lifetimeNanos / 3 * thirds;
    }

    /** Releases a lock if this holder still holds it (it may have expired and been taken by another). */
    public void release(HeldLock held)
    {
        if (held == null || !held.exists() || held.isReleased())
            return;
        synchronized (held)
        {
            held.markReleased();
            try
            {
                deleteIfMine(held);
            }
            catch (NodeUnavailableException x)
            {
                orphans.add(held);
            }
            catch (MemcachedAccessException x)
            {
                lostLog.warn("lock {} not released, it expires by itself: {}", held.key, x.getMessage());
            }
        }
    }

    /** Releases the locks that were left on {@code node} while it did not answer. */
    public void nodeUp(MemcachedNode node)
    {
        orphans.nodeUp(node);
    }

    /** @return how many locks wait for their node to answer again, to be released then */
    public int getOrphanedLocks()
    {
        return orphans.size();
    }

    private boolean releaseOrphan(HeldLock orphan) throws MemcachedAccessException
    {
        boolean released = deleteIfMine(orphan);
        if (released)
            stats.orphanedLockReleased();
        return released;
    }

    /** @return true if this holder's lock was there and is deleted now */
    private boolean deleteIfMine(HeldLock held) throws MemcachedAccessException
    {
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++)
        {
            long cas = held.cas();
            if (cas < 0)
            {
                Fetched current = access.gets(held.node, held.key);
                if (!isMine(held, current))
                    return false; // expired, or another request's now: nothing of ours to release
                cas = current.cas();
            }
            CasOutcome outcome = access.deleteIfUnchanged(held.node, held.key, cas);
            if (outcome != CasOutcome.CHANGED)
                return outcome == CasOutcome.STORED;
            held.cas(-1);
        }
        return false;
    }

    private static boolean isMine(HeldLock held, Fetched current)
    {
        return current != null && Arrays.equals(current.item().value(), held.token);
    }

    private boolean lost(HeldLock held, String why)
    {
        if (held.markLost())
        {
            stats.lockLost();
            lostLog.warn("lock {} lost while its request ran: {}; the request's session changes will not be stored", held.key, why);
        }
        return false;
    }

    private static byte[] randomBytes()
    {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    @Override
    public String toString()
    {
        return String.format("%s@%x{expiration %ds, timeout %dms, %d orphaned}", getClass().getSimpleName(), hashCode(), expirationSeconds, timeoutMs, orphans.size());
    }
}
