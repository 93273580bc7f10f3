package net.jettymemcached.sessions.replication;

import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import net.jettymemcached.sessions.stats.MemcachedSessionStatistics;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.eclipse.jetty.util.NanoTime;

/**
 * Writes sessions to memcached off the request thread ({@code backupAsync=true}, sticky mode). The value is encoded
 * on the request thread; only the network writes are queued. At most one write per key waits in the queue: a newer
 * write of the same session replaces the queued one. When the queue is full the caller writes itself, so nothing is
 * dropped. Loads consult the pending writes first, so a Jetty always reads its own latest write.
 */
public class AsyncSessionWriter extends AbstractLifeCycle
{
    private static final Logger LOG = LoggerFactory.getLogger(AsyncSessionWriter.class);

    /**
     * A write of one key: the full stored bytes (for read-your-writes), the memcached operations, and the full write
     * to use instead when this write replaces a queued full write (an append cannot stand in for a full write).
     */
    public record PendingWrite(byte[] value, Write write, Write fullWrite)
    {
        boolean isFull()
        {
            return write == fullWrite;
        }

        PendingWrite asFull()
        {
            return new PendingWrite(value, fullWrite, fullWrite);
        }
    }

    @FunctionalInterface
    public interface Write
    {
        void run() throws Exception;
    }

    private final MemcachedSessionStatistics stats;
    private final int capacity;
    private final Map<String, PendingWrite> queued = new ConcurrentHashMap<>();
    private final Map<String, PendingWrite> inFlight = new ConcurrentHashMap<>();
    private final Object[] stripes = new Object[64];
    private BlockingQueue<String> order;
    private Thread worker;

    public AsyncSessionWriter(MemcachedSessionStatistics stats, int capacity)
    {
        this.stats = stats;
        this.capacity = capacity;
        for (int i = 0; i < stripes.length; i++)
            stripes[i] = new Object();
    }

    @Override
    protected void doStart() throws Exception
    {
        order = new ArrayBlockingQueue<>(capacity);
        worker = new Thread(this::drain, "memcached-sessions-writer");
        worker.setDaemon(true);
        worker.start();
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception
    {
        flush(5000);
        worker.interrupt();
        worker.join(5000);
        worker = null;
        super.doStop();
    }

    /** Queues a write; runs it on the calling thread (and throws its failure) only if the queue is full. */
    public void submit(String key, PendingWrite write) throws Exception
    {
        boolean enqueue;
        synchronized (stripe(key))
        {
            PendingWrite previous = queued.get(key);
            if (previous != null && previous.isFull() && !write.isFull())
                write = write.asFull();
            queued.put(key, write);
            enqueue = previous == null;
            if (!enqueue)
                stats.asyncWriteSuperseded();
        }
        if (enqueue && !order.offer(key))
        {
            boolean mine;
            synchronized (stripe(key))
            {
                mine = queued.remove(key, write);
            }
            if (mine)
            {
                awaitNotInFlight(key, 5000);
                write.write().run();
            }
        }
    }

    /** @return the value of a queued or running write of {@code key}, or null */
    public byte[] pendingValue(String key)
    {
        synchronized (stripe(key))
        {
            PendingWrite write = queued.get(key);
            if (write == null)
                write = inFlight.get(key);
            return write == null ? null : write.value();
        }
    }

    /** Drops a queued write of {@code key} and waits for a running one to finish (before a delete). */
    public void cancel(String key, long timeoutMs)
    {
        synchronized (stripe(key))
        {
            queued.remove(key);
        }
        awaitNotInFlight(key, timeoutMs);
    }

    /** Waits until every queued write has run, at most {@code timeoutMs}. */
    public boolean flush(long timeoutMs)
    {
        long deadline = NanoTime.now() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while ((!queued.isEmpty() || !inFlight.isEmpty()) && NanoTime.isBefore(NanoTime.now(), deadline))
            pause();
        return queued.isEmpty() && inFlight.isEmpty();
    }


    private void drain()
    {
        while (true)
        {
            String key;
            try
            {
                key = order.take();
            }
            catch (InterruptedException x)
            {
                return;
            }
            PendingWrite write;
            synchronized (stripe(key))
            {
                write = queued.remove(key);
                if (write != null)
                    inFlight.put(key, write);
            }
            if (write == null)
                continue;
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
                synchronized (stripe(key))
                {
                    inFlight.remove(key, write);
                }
            }
        }
    }

    private void awaitNotInFlight(String key, long timeoutMs)
    {
        long deadline = NanoTime.now() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (inFlight.containsKey(key) && NanoTime.isBefore(NanoTime.now(), deadline))
            pause();
    }

    private static void pause()
    {
        try
        {
            Thread.sleep(1);
        }
        catch (InterruptedException x)
        {
            Thread.currentThread().interrupt();
        }
    }

    private Object stripe(String key)
    {
        return stripes[Math.floorMod(key.hashCode(), stripes.length)];
    }
}
