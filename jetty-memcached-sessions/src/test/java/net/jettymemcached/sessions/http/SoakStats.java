package net.jettymemcached.sessions.http;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the chaos soak counted, shared by the browsers, the fault injector and the summary: the counters the summary
 * line reports, the first 25 examples of what went wrong and the timeline of the faults injected, both stamped with
 * the time since the test started so that an example can be matched with the fault around it.
 */
final class SoakStats
{
    final AtomicLong requests = new AtomicLong();
    final AtomicLong fiveXx = new AtomicLong();
    final AtomicLong lostSessions = new AtomicLong();
    final AtomicLong lostIncrements = new AtomicLong();
    /** Distinct invalidated sessions that were served again. */
    final AtomicLong resurrected = new AtomicLong();
    final Set<String> resurrectedSessions = ConcurrentHashMap.newKeySet();
    /** Checks that found an invalidated session: right after the logout, 3–8 s later, at the end. */
    final AtomicLong[] resurrectedHits = {new AtomicLong(), new AtomicLong(), new AtomicLong()};
    final AtomicLong legitStickyLosses = new AtomicLong();
    final AtomicLong lostSessionsAfterSwitch = new AtomicLong();
    final AtomicLong lostIncrementsAfterSwitch = new AtomicLong();
    final AtomicLong unknown = new AtomicLong();
    final AtomicLong extra = new AtomicLong();
    final AtomicLong otherStatus = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong slowRecoveries = new AtomicLong();
    final AtomicLong invalidations = new AtomicLong();
    final AtomicLong resurrectionChecks = new AtomicLong();
    final AtomicLong finalChecks = new AtomicLong();
    final AtomicLong killFaults = new AtomicLong();
    final AtomicLong pauseFaults = new AtomicLong();
    final AtomicLong jettyRestarts = new AtomicLong();
    final ConcurrentLinkedQueue<String> examples = new ConcurrentLinkedQueue<>();
    private final AtomicInteger exampleCount = new AtomicInteger();
    final ConcurrentLinkedQueue<String> timeline = new ConcurrentLinkedQueue<>();
    private final long startNanos = System.nanoTime();

    long faults()
    {
        return killFaults.get() + pauseFaults.get() + jettyRestarts.get();
    }

    /** Keeps the first 25 examples only, so that one failure repeated for every browser does not flood the output. */
    void example(String text)
    {
        if (exampleCount.incrementAndGet() <= 25)
            examples.add(now() + " " + text);
    }

    void fault(String text)
    {
        timeline.add(now() + " " + text);
    }

    private String now()
    {
        return String.format(Locale.ROOT, "t=%.1fs", (System.nanoTime() - startNanos) / 1e9);
    }
}
