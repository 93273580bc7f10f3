package net.jettymemcached.sessions.lock;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.eclipse.jetty.util.annotation.ManagedAttribute;
import org.eclipse.jetty.util.annotation.ManagedObject;
import org.eclipse.jetty.util.component.ContainerLifeCycle;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the locks of running requests alive: every round renews each lock whose expiry was set a third of its
 * lifetime ago or more, so that a request running longer than {@code lockExpiration} (an upload, a report) keeps
 * its lock, and a lock whose holder died still expires. Most requests end before their first renewal and cost
 * nothing here.
 * <p>
 * As {@link net.jettymemcached.sessions.node.NodeHealth} does, it borrows the server's scheduler and runs rounds on
 * the given executor (a renewal may wait the operation timeout for a paused node), and stops only what it made.
 */
@ManagedObject("Renews the session locks of running requests")
public final class LockRenewal extends ContainerLifeCycle
{
    private static final Logger LOG = LoggerFactory.getLogger(LockRenewal.class);

    private final SessionLocks locks;
    private final long periodMs;
    private final Set<HeldLock> held = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean roundRunning = new AtomicBoolean();
    private Scheduler scheduler;
    private Executor executor;
    private ScheduledExecutorScheduler ownScheduler;
    private volatile Scheduler.Task nextRound;

    public LockRenewal(SessionLocks locks)
    {
        this.locks = locks;
        Duration renewAfter = locks.renewAfter();
        this.periodMs = Math.max(100, Math.min(5000, renewAfter.toMillis() / 2));
    }

    /** @param scheduler the server's scheduler, or null to make one; set before start */
    public void setScheduler(Scheduler scheduler)
    {
        this.scheduler = scheduler;
    }

    /** @param executor runs the rounds (the server's thread pool), or null to run them on the scheduler */
    public void setExecutor(Executor executor)
    {
        this.executor = executor;
    }

    /** A request holds {@code lock} from now until {@link #stopRenewing}. */
    public void startRenewing(HeldLock lock)
    {
        if (lock.exists())
            held.add(lock);
    }

    public void stopRenewing(HeldLock lock)
    {
        held.remove(lock);
    }

    @ManagedAttribute("Locks held by running requests")
    public int getHeldLocks()
    {
        return held.size();
    }

    @Override
    protected void doStart() throws Exception
    {
        if (scheduler == null)
        {
            ownScheduler = new ScheduledExecutorScheduler("memcached-sessions-lock-renewal", true);
            addBean(ownScheduler, true);
            scheduler = ownScheduler;
        }
        super.doStart();
        schedule();
    }

    @Override
    protected void doStop() throws Exception
    {
        Scheduler.Task task = nextRound;
        if (task != null)
            task.cancel();
        nextRound = null;
        super.doStop();
        if (ownScheduler != null)
        {
            removeBean(ownScheduler);
            ownScheduler = null;
            scheduler = null;
        }
    }

    private void schedule()
    {
        if (isStarting() || isRunning())
            nextRound = scheduler.schedule(this::startRound, periodMs, TimeUnit.MILLISECONDS);
    }

    private void startRound()
    {
        try
        {
            if (!held.isEmpty() && roundRunning.compareAndSet(false, true))
            {
                if (executor == null)
                    round();
                else
                    executor.execute(this::round);
            }
        }
        catch (RejectedExecutionException x)
        {
            round(); // a saturated or stopping pool must not let locks expire under their requests
        }
        finally
        {
            schedule();
        }
    }

    private void round()
    {
        try
        {
            for (HeldLock lock : held)
            {
                try
                {
                    if (locks.isDueForRenewal(lock, 1) && !locks.renew(lock) && lock.isLost())
                        held.remove(lock);
                }
                catch (RuntimeException x)
                {
                    LOG.warn("lock {} not renewed: {}", lock, x.toString());
                }
            }
        }
        finally
        {
            roundRunning.set(false);
        }
    }

    @Override
    public String toString()
    {
        return String.format("%s@%x{%s, every %dms, %d held}", getClass().getSimpleName(), hashCode(), getState(), periodMs, held.size());
    }
}
