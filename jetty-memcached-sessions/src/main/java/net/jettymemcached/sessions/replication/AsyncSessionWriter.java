package net.jettymemcached.sessions.replication;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import net.jettymemcached.sessions.memcached.Item;
import net.jettymemcached.sessions.stats.MemcachedSessionStatistics;
import org.eclipse.jetty.util.NanoTime;
import org.eclipse.jetty.util.annotation.ManagedAttribute;
import org.eclipse.jetty.util.annotation.ManagedObject;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes sessions to memcached off the request thread ({@code backupAsync=true}, sticky mode). The value is encoded
 * on the request thread; only the network writes are queued. A write of a session is always in exactly one place:
 * queued (at most one per session: a newer write replaces the queued one where it stands), or being written (by the
 * writer thread, or by the request thread itself when the queue is full by count or by bytes; never two at once for
 * one session, and never one overtaking a queued one). Loads consult the pending writes first, so a Jetty always
 * reads its own latest write. At stop the queue is flushed for at most {@code asyncStopTimeout}; whatever is still
 * unwritten then is logged and counted.
 */
@ManagedObject("asynchronous session writer")
public class AsyncSessionWriter extends AbstractLifeCycle
{
    private static final Logger LOG = LoggerFactory.getLogger(AsyncSessionWriter.class);

    /**
     * A write of one key: the full stored item (for read-your-writes), the memcached operations, and the full write
     * to use instead when this write replaces a queued full write (an append cannot stand in for a full write).
     */
    public record PendingWrite(Item item, Write write, Write fullWrite)
    {
        boolean isFull()
        {
            return write == fullWrite;
        }

        PendingWrite asFull()
        {
            return new PendingWrite(item, fullWrite, fullWrite);
        }

        int size()
        {
            return item.value().length;
        }
    }

    @FunctionalInterface
    public interface Write
    {
        void run() throws Exception;
    }

    private final MemcachedSessionStatistics stats;
    private final int capacity;
    private final long capacityBytes;
    private final Duration stopTimeout;
    /** Guarded by this: the queue in order (a replaced write keeps its place), the writes running, the queued bytes. */
    private final LinkedHashMap<String, PendingWrite> queued = new LinkedHashMap<>();
    private final Map<String, PendingWrite> running = new HashMap<>();
    private long queuedBytes;
    private Thread worker;

    private final String threadName;

    public AsyncSessionWriter(MemcachedSessionStatistics stats, int capacity, long capacityBytes, Duration stopTimeout)
    {
        this(stats, capacity, capacityBytes, stopTimeout, "memcached-sessions-writer");
    }

    /** @param threadName the name of its thread (one writer writes primary copies, one the backups) */
    public AsyncSessionWriter(MemcachedSessionStatistics stats, int capacity, long capacityBytes, Duration stopTimeout, String threadName)
    {
        this.threadName = threadName;
        this.stats = stats;
        this.capacity = capacity;
        this.capacityBytes = capacityBytes;
        this.stopTimeout = stopTimeout;
    }

    @Override
    protected void doStart() throws Exception
    {
        worker = new Thread(this::drain, threadName);
        worker.setDaemon(true);
        worker.start();
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception
    {
        flush(stopTimeout.toMillis());
        int unwritten;
        synchronized (this)
        {
            unwritten = queued.size() + running.size();
            queued.clear();
            queuedBytes = 0;
            notifyAll();
        }
        if (unwritten > 0)
        {
            for (int i = 0; i < unwritten; i++)
                stats.asyncWriteUnwritten();
            LOG.warn("{} session write(s) still unwritten after waiting {} ms at stop (memcached too slow or unreachable); " +
                "those sessions keep their previous stored copy", unwritten, stopTimeout.toMillis());
        }
        worker.interrupt();
        worker.join(stopTimeout.toMillis() + 1000);
        worker = null;
        super.doStop();
    }

    /** Queues a write; runs it on the calling thread (and throws its failure) only if the queue is full. */
    public void submit(String key, PendingWrite write) throws Exception
    {
        synchronized (this)
        {
            PendingWrite previous = queued.get(key);
            if (previous != null)
            {
                queued.put(key, previous.isFull() && !write.isFull() ? write.asFull() : write);
                queuedBytes += write.size() - previous.size();
                stats.asyncWriteSuperseded();
                return;
            }
            if (queued.size() < capacity && queuedBytes + write.size() <= capacityBytes)
            {
                queued.put(key, write);
                queuedBytes += write.size();
                notifyAll();
                return;
            }
            // Full: this thread writes, once no other write of the key runs.
            long deadline = NanoTime.now() + TimeUnit.SECONDS.toNanos(5);
            while (running.containsKey(key) && NanoTime.isBefore(NanoTime.now(), deadline) && !Thread.currentThread().isInterrupted())
                waitAtMost(deadline);
            running.put(key, write);
        }
        try
        {
            write.write().run();
        }
        finally
        {
            finished(key, write);
        }
    }

    /** @return the item of a queued or running write of {@code key}, or null */
    public synchronized Item pendingItem(String key)
    {
        PendingWrite write = queued.get(key);
        if (write == null)
            write = running.get(key);
        return write == null ? null : write.item();
    }

    /** Drops a queued write of {@code key} and waits for a running one to finish (before a delete). */
    public synchronized void cancel(String key, long timeoutMs)
    {
        PendingWrite dropped = queued.remove(key);
        if (dropped != null)
            queuedBytes -= dropped.size();
        long deadline = NanoTime.now() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (running.containsKey(key) && NanoTime.isBefore(NanoTime.now(), deadline) && !Thread.currentThread().isInterrupted())
            waitAtMost(deadline);
    }

    /** Waits until every queued write has run, at most {@code timeoutMs}. */
    public synchronized boolean flush(long timeoutMs)
    {
        long deadline = NanoTime.now() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while ((!queued.isEmpty() || !running.isEmpty()) && NanoTime.isBefore(NanoTime.now(), deadline) && !Thread.currentThread().isInterrupted())
            waitAtMost(deadline);
        return queued.isEmpty() && running.isEmpty();
    }

    @ManagedAttribute("Session writes waiting to be sent")
    public synchronized int getQueued()
    {
        return queued.size();
    }

    @ManagedAttribute("Bytes of the session writes waiting to be sent")
    public synchronized long getQueuedBytes()
    {
        return queuedBytes;
    }

    private void drain()
    {
        while (true)
        {
            String key;
            PendingWrite write;
            synchronized (this)
            {
                Map.Entry<String, PendingWrite> next;
                while ((next = nextRunnable()) == null)
                {
                    try
                    {
                        wait();
                    }
                    catch (InterruptedException x)
                    {
                        return;
                    }
                }
                key = next.getKey();
                write = next.getValue();
                queued.remove(key);
                queuedBytes -= write.size();
                running.put(key, write);
            }
            try
            {
                write.write().run();
            }
            catch (Throwable x)
            {
                // The write itself counted and logged the failure; this is only a safety net.
                LOG.debug("asynchronous session write of {} failed", key, x);
            }
            finally
            {
                finished(key, write);
            }
        }
    }

    /** @return the first queued write whose key is not being written, or null */
    private Map.Entry<String, PendingWrite> nextRunnable()
    {
        for (Iterator<Map.Entry<String, PendingWrite>> i = queued.entrySet().iterator(); i.hasNext(); )
        {
            Map.Entry<String, PendingWrite> entry = i.next();
            if (!running.containsKey(entry.getKey()))
                return entry;
        }
        return null;
    }

    private synchronized void finished(String key, PendingWrite write)
    {
        running.remove(key, write);
        notifyAll();
    }

    private void waitAtMost(long deadlineNanos)
    {
        long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(NanoTime.until(deadlineNanos)));
        try
        {
            wait(millis);
        }
        catch (InterruptedException x)
        {
            Thread.currentThread().interrupt();
        }
    }
}
