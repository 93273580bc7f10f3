package net.jettymemcached.sessions.replication;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import net.jettymemcached.sessions.memcached.Item;
import net.jettymemcached.sessions.stats.MemcachedSessionStatistics;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The asynchronous writer without memcached: a write of a session is always queued or running, never neither (the
 * strand race failed this on the writer before the versioned-replicas change: 1 of 20,000 sessions, 3 runs of 3);
 * the queue is bounded by bytes; a stop waits a bounded time and counts what it could not write.
 */
class AsyncSessionWriterTest
{
    private static AsyncSessionWriter.PendingWrite write(AsyncSessionWriter.Write run)
    {
        return write(10, run);
    }

    private static AsyncSessionWriter.PendingWrite write(int size, AsyncSessionWriter.Write run)
    {
        return new AsyncSessionWriter.PendingWrite(new Item(new byte[size], 0), run, run);
    }

    private static AsyncSessionWriter writer(MemcachedSessionStatistics stats, int capacity, long bytes, Duration stopTimeout) throws Exception
    {
        AsyncSessionWriter writer = new AsyncSessionWriter(stats, capacity, bytes, stopTimeout);
        writer.start();
        return writer;
    }

    /** A writer whose thread is busy with a write that waits for {@code release}. */
    private static AsyncSessionWriter blocked(AsyncSessionWriter writer, CountDownLatch release) throws Exception
    {
        CountDownLatch blocking = new CountDownLatch(1);
        writer.submit("blocker", write(() -> { blocking.countDown(); release.await(); }));
        assertTrue(blocking.await(5, TimeUnit.SECONDS));
        return writer;
    }

    @Test
    void aGracefulStopWaitsBoundedAndCountsWhatItCouldNotWrite() throws Exception
    {
        MemcachedSessionStatistics stats = new MemcachedSessionStatistics();
        CountDownLatch release = new CountDownLatch(1);
        AsyncSessionWriter writer = blocked(writer(stats, 100, 1 << 20, Duration.ofMillis(300)), release);
        AtomicInteger ran = new AtomicInteger();
        writer.submit("a", write(ran::incrementAndGet));
        writer.submit("b", write(ran::incrementAndGet));
        long started = System.nanoTime();
        Thread stopper = new Thread(() ->
        {
            try
            {
                writer.stop();
            }
            catch (Exception x)
            {
                throw new IllegalStateException(x);
            }
        });
        stopper.start();
        stopper.join(10_000);
        release.countDown();
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) < 5000, "the stop's wait is bounded");
        assertEquals(3, stats.getAsyncWritesUnwritten(), "the hung write and the two queued behind it");
        assertEquals(0, ran.get());
    }

    @Test
    void theQueueIsBoundedByBytes() throws Exception
    {
        CountDownLatch release = new CountDownLatch(1);
        AsyncSessionWriter writer = blocked(writer(new MemcachedSessionStatistics(), 1000, 100, Duration.ofSeconds(1)), release);
        AtomicInteger ranHere = new AtomicInteger();
        Thread self = Thread.currentThread();
        writer.submit("small", write(60, () -> { if (Thread.currentThread() == self) ranHere.incrementAndGet(); }));
        writer.submit("large", write(60, () -> { if (Thread.currentThread() == self) ranHere.incrementAndGet(); }));
        assertEquals(1, ranHere.get(), "the write that would pass 100 queued bytes ran on the caller's thread");
        assertEquals(60, writer.getQueuedBytes());
        release.countDown();
        assertTrue(writer.flush(5000));
        writer.stop();
    }

    @Test
    void aWriteIsNeverStrandedWhenTheQueueIsFull() throws Exception
    {
        CountDownLatch release = new CountDownLatch(1);
        AsyncSessionWriter writer = blocked(writer(new MemcachedSessionStatistics(), 1, 1 << 20, Duration.ofSeconds(5)), release);
        writer.submit("filler", write(() -> { }));
        Map<String, AtomicInteger> ran = new ConcurrentHashMap<>();
        int keys = 20_000;
        CyclicBarrier barrier = new CyclicBarrier(3);
        Runnable submitter = () ->
        {
            try
            {
                for (int i = 0; i < keys; i++)
                {
                    String key = "k" + i;
                    barrier.await();
                    writer.submit(key, write(() -> ran.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet()));
                }
            }
            catch (Exception x)
            {
                throw new IllegalStateException(x);
            }
        };
        Thread a = new Thread(submitter);
        Thread b = new Thread(submitter);
        Thread c = new Thread(submitter);
        c.start();
        a.start();
        b.start();
        a.join(60_000);
        b.join(60_000);
        c.join(60_000);
        release.countDown();
        boolean flushed = writer.flush(5000);
        int stranded = 0;
        for (int i = 0; i < keys; i++)
        {
            if (!ran.containsKey("k" + i))
                stranded++;
        }
        writer.stop();
        assertEquals(0, stranded, "sessions none of whose writes ever ran");
        assertTrue(flushed, "every queued write ran");
    }
}
