package net.jettymemcached.sessions.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import net.jettymemcached.sessions.http.SoakBalancer.Slot;
import net.jettymemcached.sessions.testing.Await;
import net.jettymemcached.sessions.testing.MemcachedNodes;
import net.jettymemcached.sessions.testing.MemcachedProcess;

import static net.jettymemcached.sessions.http.ChaosSoakHttpTest.OPERATION_TIMEOUT_MILLIS;
import static net.jettymemcached.sessions.http.ChaosSoakHttpTest.RECOVERY;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The chaos soak's fault injector: one fault at a time, in shuffled rounds of each kind — {@code kill -9} of a
 * memcached node and a restart with empty memory, a SIGSTOP of a node for 1.5 × the operation timeout and SIGCONT,
 * a graceful restart of a Jetty — each followed by a recovery (cluster healthy, every browser served again), so that
 * no fault ever meets the remains of the one before. Every fault goes to the timeline of the {@link SoakStats}.
 */
final class SoakFaults
{
    private enum Fault
    {
        KILL_AND_RESTART_EMPTY, PAUSE, RESTART_JETTY
    }

    private final MemcachedNodes nodes;
    private final SoakBalancer balancer;
    private final List<SoakBrowser> browsers;
    private final SoakStats stats;
    private final BooleanSupplier stopped;

    /** @param stopped whether the injector is told to stop (then it also stops waiting for traffic) */
    SoakFaults(MemcachedNodes nodes, SoakBalancer balancer, List<SoakBrowser> browsers, SoakStats stats, BooleanSupplier stopped)
    {
        this.nodes = nodes;
        this.balancer = balancer;
        this.browsers = browsers;
        this.stats = stats;
        this.stopped = stopped;
    }

    /** Injects faults until {@code deadline} ({@link System#nanoTime()}), and returns once the last one recovered. */
    void inject(long deadline, Random random) throws Exception
    {
        // Let every browser have a session first.
        awaitTraffic("first requests", System.nanoTime());
        List<Fault> order = new ArrayList<>();
        while (!stopped.getAsBoolean() && System.nanoTime() < deadline)
        {
            if (order.isEmpty())
            {
                order.addAll(List.of(Fault.values()));
                Collections.shuffle(order, random);
            }
            Fault fault = order.remove(0);
            switch (fault)
            {
                case KILL_AND_RESTART_EMPTY ->
                {
                    MemcachedProcess node = nodes.node(random.nextInt(3));
                    stats.killFaults.incrementAndGet();
                    stats.fault("kill -9 " + node.nodeId());
                    node.kill9();
                    awaitSeenBy(node.nodeId(), false);
                    // Requests run with the node down for 1-3 s (sessions move to their backups' nodes, every browser
                    // is served at least once), then it comes back empty.
                    long down = System.nanoTime();
                    pace(Duration.ofMillis(1000 + random.nextInt(2000)));
                    awaitTraffic(node.nodeId() + " down", down);
                    stats.fault("restart " + node.nodeId() + " empty");
                    node.restart();
                }
                case PAUSE ->
                {
                    MemcachedProcess node = nodes.node(random.nextInt(3));
                    stats.pauseFaults.incrementAndGet();
                    stats.fault("SIGSTOP " + node.nodeId());
                    node.pause();
                    try
                    {
                        pace(Duration.ofMillis(OPERATION_TIMEOUT_MILLIS * 3L / 2));
                    }
                    finally
                    {
                        node.resume();
                        stats.fault("SIGCONT " + node.nodeId());
                    }
                }
                case RESTART_JETTY ->
                {
                    Slot slot = balancer.slots().get(random.nextInt(balancer.slots().size()));
                    stats.jettyRestarts.incrementAndGet();
                    stats.fault("restart " + slot.worker);
                    slot.restart();
                }
            }
            // Recovery: every node running and seen live by both Jettys, both Jettys routed, and every browser served
            // since, so every live session has been written again (primary and backup) before the next fault.
            awaitClusterHealthy();
            awaitTraffic("recovery after " + fault, System.nanoTime());
            pace(Duration.ofMillis(500 + random.nextInt(1000)));
        }
    }

    /** Holds a fault, or the gap between faults, for a duration: the schedule is paced by elapsed time. */
    private static void pace(Duration duration) throws InterruptedException
    {
        TimeUnit.NANOSECONDS.sleep(duration.toNanos());
    }

    private void awaitSeenBy(String nodeId, boolean live)
    {
        for (Slot slot : balancer.slots())
        {
            JettyNode jetty = slot.node;
            if (jetty != null)
                Await.await(nodeId + (live ? " seen live" : " seen down") + " by " + slot.worker,
                    () -> jetty.cluster().health().isLive(nodeId) == live, RECOVERY);
        }
    }

    /** Every memcached node running and seen live by every Jetty, and every Jetty routed. */
    void awaitClusterHealthy()
    {
        for (MemcachedProcess node : nodes.all())
        {
            assertTrue(node.isRunning(), node + " running");
            awaitSeenBy(node.nodeId(), true);
        }
        for (Slot slot : balancer.slots())
            assertTrue(slot.available && slot.node != null, slot.worker + " routed");
    }

    /** Waits until every browser had a successful increment after {@code since}; a late one is counted, not fatal. */
    private void awaitTraffic(String what, long since)
    {
        boolean all = Await.until(() -> stopped.getAsBoolean() || browsers.stream().allMatch(b -> b.lastSuccessNanos() - since > 0), RECOVERY);
        if (!all)
        {
            stats.slowRecoveries.incrementAndGet();
            stats.example("not every browser was served within " + RECOVERY.toSeconds() + " s after " + what);
        }
    }
}
