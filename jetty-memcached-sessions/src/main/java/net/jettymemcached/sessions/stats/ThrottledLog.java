package net.jettymemcached.sessions.stats;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.eclipse.jetty.util.NanoTime;

/**
 * Logs a recurring warning at most once per interval and says how many were left out meanwhile, so that a dead
 * node produces a few lines rather than one per request.
 */
public final class ThrottledLog
{
    private final Logger log;
    private final long intervalNanos;
    private final AtomicLong nextAllowed = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    public ThrottledLog(Logger log, long interval, TimeUnit unit)
    {
        this.log = log;
        this.intervalNanos = unit.toNanos(interval);
    }

    public void warn(String format, Object... args)
    {
        long now = NanoTime.now();
        long allowed = nextAllowed.get();
        if ((allowed == Long.MIN_VALUE || now - allowed >= 0) && nextAllowed.compareAndSet(allowed, now + intervalNanos))
        {
            long skipped = suppressed.getAndSet(0);
            log.warn(skipped == 0 ? format : format + " (" + skipped + " similar messages suppressed)", args);
        }
        else
        {
            suppressed.incrementAndGet();
        }
    }
}
