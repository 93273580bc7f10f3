package net.jettymemcached.sessions.lock;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

import net.jettymemcached.sessions.id.SessionId;
import net.jettymemcached.sessions.memcached.Item;
import net.jettymemcached.sessions.memcached.MemcachedAccess;
import net.jettymemcached.sessions.memcached.MemcachedAccessException;
import net.jettymemcached.sessions.memcached.NodeUnavailableException;
import net.jettymemcached.sessions.node.MemcachedNode;
import net.jettymemcached.sessions.replication.Placement;
import net.jettymemcached.sessions.stats.MemcachedSessionStatistics;
import org.eclipse.jetty.util.NanoTime;

/**
 * Distributed session locks: a memcached {@code add} of the session's lock key ({@code lock:} + its primary key) on
 * the session's node,
 * with an expiry so that a crashed holder cannot block a session for ever, holding a token unique to the holder so
 * that only the holder releases it. Waiting backs off from 5 ms to 100 ms and is bounded by the lock timeout.
 */
public final class SessionLocks
{
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A lock this request holds; {@link #NONE} when no lock could be or had to be taken. */
    public record Held(MemcachedNode node, String key, byte[] token)
    {
        public static final Held NONE = new Held(null, null, null);
    }

    private final MemcachedAccess access;
    private final Placement placement;
    private final int expirationSeconds;
    private final long timeoutMs;
    private final MemcachedSessionStatistics stats;

    public SessionLocks(MemcachedAccess access, Placement placement, Duration expiration, Duration timeout, MemcachedSessionStatistics stats)
    {
        this.access = access;
        this.placement = placement;
        this.expirationSeconds = (int)Math.max(1, expiration.toSeconds());
        this.timeoutMs = timeout.toMillis();
        this.stats = stats;
    }

    /**
     * Takes the lock of session {@code id} under {@code key}, waiting at most the lock timeout.
     *
     * @return the held lock, {@link Held#NONE} if the session's node cannot be asked (nothing to lock against), or
     * null if another holder kept it past the timeout
     */
    public Held acquire(SessionId id, String key, String holder) throws InterruptedException
    {
        MemcachedNode node = placement.lockNode(id);
        byte[] token = (holder + ":" + HexFormat.of().formatHex(randomBytes())).getBytes(StandardCharsets.US_ASCII);
        long deadline = NanoTime.now() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        long pause = 5;
        boolean waited = false;
        while (true)
        {
            try
            {
                if (access.add(node, key, expirationSeconds, new Item(token, 0)))
                {
                    if (waited)
                        stats.lockWaited();
                    return new Held(node, key, token);
                }
            }
            catch (MemcachedAccessException x)
            {
                return Held.NONE;
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

    /** Releases a lock if this holder still holds it (it may have expired and been taken by another). */
    public void release(Held held)
    {
        if (held == null || held.node() == null)
            return;
        try
        {
            byte[] current = access.get(held.node(), held.key());
            if (current != null && Arrays.equals(current, held.token()))
                access.delete(held.node(), held.key());
        }
        catch (NodeUnavailableException x)
        {
            // The lock expires by itself.
        }
    }

    private static byte[] randomBytes()
    {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
