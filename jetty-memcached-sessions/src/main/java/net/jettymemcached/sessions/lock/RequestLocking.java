package net.jettymemcached.sessions.lock;

import java.time.Duration;
import java.util.Collection;

import net.jettymemcached.sessions.id.SessionId;
import net.jettymemcached.sessions.stats.MemcachedSessionStatistics;
import org.eclipse.jetty.util.annotation.ManagedAttribute;
import org.eclipse.jetty.util.annotation.ManagedObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which requests lock their session, and what happens when a lock is not obtained (non-sticky mode): the one owner
 * of {@code lockingMode}, {@code lockTimeoutAction} and what {@code auto} has learned, shared by every context.
 * The session cache asks it before a session is loaded and tells it when the request is over.
 */
@ManagedObject("Session locking of non-sticky requests")
public class RequestLocking
{
    private static final Logger LOG = LoggerFactory.getLogger(RequestLocking.class);
    private final SessionLocks locks;
    private final LockRenewal renewal;
    private final LockingMode mode;
    private final LockTimeoutAction timeoutAction;
    private final long retryAfterSeconds;
    private final MemcachedSessionStatistics stats;
    private final ReadOnlyPaths readOnly;

    /** @param maxLearnedPaths the most paths {@code auto} remembers */
    public RequestLocking(SessionLocks locks, LockRenewal renewal, LockingMode mode, LockTimeoutAction timeoutAction, Duration lockTimeout, MemcachedSessionStatistics stats,
                          int maxLearnedPaths)
    {
        this.readOnly = new ReadOnlyPaths(maxLearnedPaths);
        this.locks = locks;
        this.renewal = renewal;
        this.mode = mode;
        this.timeoutAction = timeoutAction;
        this.retryAfterSeconds = Math.max(1, (lockTimeout.toMillis() + 999) / 1000);
        this.stats = stats;
    }

    /** @return true if no request ever locks ({@code lockingMode=none}, and always in sticky mode) */
    public boolean isOff()
    {
        return mode.kind() == LockingMode.Kind.NONE;
    }

    /**
     * Takes the lock of session {@code id} for a request on {@code path} if the locking mode says it must.
     *
     * @param holder names the holder in the lock's token (the worker)
     * @return the held lock, renewed until the request is {@link #finished}; {@link HeldLock#NONE} when none is
     * needed or the lock timed out and the request proceeds unlocked ({@code lockTimeoutAction=proceed}, counted);
     * {@link HeldLock#UNREACHABLE} when the lock's node did not answer (it is marked down now)
     * @throws SessionBusyException when the lock timed out and {@code lockTimeoutAction=reject} (counted)
     */
    public HeldLock lock(String path, SessionId id, String key, String holder) throws InterruptedException
    {
        if (!mode.locks(path, readOnly))
            return HeldLock.NONE;
        HeldLock held = locks.acquire(id, key, holder);
        if (held != null)
        {
            renewal.startRenewing(held);
            return held;
        }
        if (timeoutAction == LockTimeoutAction.REJECT)
        {
            stats.lockRejected();
            throw new SessionBusyException(retryAfterSeconds);
        }
        stats.lockProceededUnlocked();
        return HeldLock.NONE;
    }

    /**
     * Asked just before a session loaded under {@code held} is written: false if the lock was lost (the write must
     * then be refused, so that it cannot overwrite the write of the request holding the lock now).
     */
    public boolean stillHeld(HeldLock held)
    {
        return locks.confirm(held);
    }

    /**
     * Ends a request: {@code auto} learns from how its session was stored, then its locks are released.
     *
     * @param modified whether the request's store changed the attributes, or null if its session was not stored
     * @param status   the response's status, 0 if none was sent: a 404 or an error teaches nothing about the path
     */
    public void finished(String path, Boolean modified, int status, Collection<HeldLock> held)
    {
        try
        {
            if (mode.kind() == LockingMode.Kind.AUTO && modified != null && status > 0 && status < 400)
                readOnly.observed(path, modified);
        }
        finally
        {
            held.forEach(renewal::stopRenewing);
            for (HeldLock lock : held)
            {
                try
                {
                    locks.release(lock);
                }
                catch (RuntimeException x)
                {
                    // The lock expires by itself; the request's other locks are still released.
                    LOG.warn("lock {} not released: {}", lock, x.toString());
                }
            }
        }
    }

    @ManagedAttribute("Locking mode")
    public String getLockingMode()
    {
        return mode.toString();
    }

    @ManagedAttribute("Request paths learned to be read-only (lockingMode=auto)")
    public int getReadOnlyPaths()
    {
        return readOnly.size();
    }

    @Override
    public String toString()
    {
        return String.format("%s@%x{%s, %s on timeout}", getClass().getSimpleName(), hashCode(), mode, timeoutAction.name().toLowerCase(java.util.Locale.ROOT));
    }
}
