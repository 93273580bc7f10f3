package net.jettymemcached.sessions.http;

import net.jettymemcached.sessions.format.EnvelopeInspector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

import net.jettymemcached.sessions.MemcachedSessionsConfig;
import net.jettymemcached.sessions.stats.MemcachedSessionStatistics;
import net.jettymemcached.sessions.store.SessionKeys;
import net.jettymemcached.sessions.testing.Await;
import net.jettymemcached.sessions.testing.MemcachedNodes;
import net.jettymemcached.sessions.testing.MemcachedProcess;
import net.jettymemcached.sessions.testing.MemcachedTextClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Non-sticky mode with two Jettys (workers w1, w2) and real memcached nodes: any Jetty serves any request, locking
 * prevents lost updates, ignored paths never touch memcached, and invalidation, id changes and expiry behave.
 */
class NonStickyHttpTest
{
    private MemcachedNodes nodes;
    private JettyNode a;
    private JettyNode b;
    private final ExecutorService pool = Executors.newFixedThreadPool(8);
    /** Context "/" (canonical "_"), no virtual host. */
    private static final SessionKeys KEYS = new SessionKeys("", "_", "0.0.0.0");

    @BeforeEach
    void startNodes()
    {
        nodes = MemcachedNodes.start(3);
    }

    private void startJettys(Consumer<MemcachedSessionsConfig> settings) throws Exception
    {
        Consumer<MemcachedSessionsConfig> nonSticky = c ->
        {
            c.setSticky(false);
            settings.accept(c);
        };
        a = JettyNode.start("w1", nodes.nodesProperty(), nonSticky);
        b = JettyNode.start("w2", nodes.nodesProperty(), nonSticky);
    }

    @AfterEach
    void stop() throws Exception
    {
        pool.shutdownNow();
        if (b != null)
            b.close();
        if (a != null)
            a.close();
        nodes.close();
    }

    private static String clusterId(String cookie)
    {
        return cookie.substring(0, cookie.lastIndexOf('.'));
    }

    private long sum(String stat)
    {
        return nodes.sumStat(stat);
    }

    private SessionClient sharing(SessionClient browser)
    {
        SessionClient other = new SessionClient();
        other.setCookie(browser.cookie());
        return other;
    }

    /** Waits until the lock of the cookie's session is held (its key is on the session's node) or released. */
    private void awaitLock(String cookie, boolean held)
    {
        String id = clusterId(cookie);
        try (MemcachedTextClient client = MemcachedTextClient.of(nodes.node(id.substring(id.lastIndexOf('-') + 1))))
        {
            Await.await("the lock of " + id + (held ? " taken" : " released"), () -> client.contains(KEYS.lock(id)) == held, Duration.ofSeconds(5));
        }
    }

    /** The session stores of one Jetty so far: each ends as a full write, an access record appended or a skip. */
    private static long stores(JettyNode jetty)
    {
        MemcachedSessionStatistics stats = jetty.cluster().statistics();
        return stats.getWrites() + stats.getWriteFailures() + stats.getAccessAppends() + stats.getSkippedWrites() + stats.getOversizedSessions();
    }

    /**
     * Waits for the stores of {@code requests} requests sent to {@code jetty} after it had stored {@code before} times:
     * in non-sticky mode a request stores its session when the response is committed and again when the request
     * completes, which may be just after the response.
     */
    private static void awaitStores(JettyNode jetty, long before, int requests)
    {
        Await.await(requests + " request(s) stored by " + jetty.uri("/"), () -> stores(jetty) >= before + 2L * requests, Duration.ofSeconds(5));
    }

    @Test
    void aWriteOnOneJettyIsSeenOnTheOther() throws Exception
    {
        startJettys(c -> {});
        SessionClient browser = new SessionClient();
        browser.get(a, "/app/set?name=foo&value=bar");
        SessionClient.Reply onB = browser.get(b, "/app/set?name=foo&value=baz");
        assertEquals("baz", onB.value("foo"));
        SessionClient.Reply onA = browser.get(a, "/app/get");
        assertEquals("baz", onA.value("foo"), "A must not serve a stale copy");
        assertTrue(onA.setCookie().isEmpty() || onA.setCookie().get().startsWith(clusterId(browser.cookie())));
    }

    private int parallelIncrements(int threads, int perThread) throws Exception
    {
        SessionClient browser = new SessionClient();
        browser.get(a, "/app/incr");
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            SessionClient client = sharing(browser);
            int offset = t;
            futures.add(pool.submit(() ->
            {
                for (int i = 0; i < perThread; i++)
                {
                    SessionClient.Reply reply = client.get((i + offset) % 2 == 0 ? a : b, "/app/incr");
                    assertEquals(200, reply.status());
                }
                return null;
            }));
        }
        for (Future<?> future : futures)
            future.get();
        return Integer.parseInt(browser.get(a, "/app/get").value("counter")) - 1;
    }

    @Test
    void withLockingAllParallelIncrementsFromTwoJettysAreNeverLost() throws Exception
    {
        startJettys(c -> c.setLockingMode("all"));
        int counted = parallelIncrements(4, 50);
        System.out.println("lockingMode=all: 4 threads x 50 increments alternating two Jettys -> " + counted + " of 200");
        assertEquals(200, counted);
        assertEquals(0, a.cluster().statistics().getLockTimeouts() + b.cluster().statistics().getLockTimeouts());
    }

    @Test
    void withoutLockingParallelIncrementsAreReported() throws Exception
    {
        startJettys(c -> c.setLockingMode("none"));
        int counted = parallelIncrements(4, 50);
        System.out.println("lockingMode=none: 4 threads x 50 increments alternating two Jettys -> " + counted + " of 200 (lost updates: " + (200 - counted) + ")");
        assertTrue(counted >= 1 && counted <= 200, String.valueOf(counted));
    }

    @Test
    void aSlowRequestDoesNotLoseAParallelWrite() throws Exception
    {
        startJettys(c -> c.setLockingMode("all"));
        SessionClient browser = new SessionClient();
        browser.get(a, "/app/set?name=k1&value=v1");
        awaitLock(browser.cookie(), false);
        SessionClient slow = sharing(browser);
        CompletableFuture<SessionClient.Reply> k2 = CompletableFuture.supplyAsync(() -> call(slow, a, "/app/slowset?millis=500&name=k2&value=v2"), pool);
        awaitLock(browser.cookie(), true);
        browser.get(b, "/app/set?name=k3&value=v3");
        assertEquals(200, k2.get().status());
        Map<String, String> values = browser.get(a, "/app/get").values();
        assertEquals("v1", values.get("k1"));
        assertEquals("v2", values.get("k2"));
        assertEquals("v3", values.get("k3"));
    }

    private static SessionClient.Reply call(SessionClient client, JettyNode jetty, String path)
    {
        try
        {
            return client.get(jetty, path);
        }
        catch (Exception x)
        {
            throw new RuntimeException(x);
        }
    }

    private record Timed(SessionClient.Reply reply, long endNanos)
    {
    }

    private CompletableFuture<Timed> timed(SessionClient client, JettyNode jetty, String path)
    {
        return CompletableFuture.supplyAsync(() ->
        {
            SessionClient.Reply reply = call(client, jetty, path);
            return new Timed(reply, System.nanoTime());
        }, pool);
    }

    @Test
    void autoLockingLearnsReadOnlyPathsAndStillSerialisesModifyingRequests() throws Exception
    {
        startJettys(c -> c.setLockingMode("auto"));
        SessionClient browser = new SessionClient();
        browser.get(a, "/app/set?name=k&value=v");
        // Learning: these paths leave the session unchanged.
        browser.get(a, "/app/get");
        browser.get(b, "/app/get");
        browser.get(a, "/app/sleep?millis=10");
        browser.get(b, "/app/sleep?millis=10");

        long start = System.nanoTime();
        CompletableFuture<Timed> r1 = timed(sharing(browser), a, "/app/sleep?millis=500");
        CompletableFuture<Timed> r2 = timed(sharing(browser), b, "/app/sleep?millis=500");
        long together = (Math.max(r1.get().endNanos(), r2.get().endNanos()) - start) / 1_000_000;
        System.out.println("lockingMode=auto: two parallel read-only 500 ms requests took " + together + " ms");
        assertTrue(together < 900, "read-only requests overlapped: " + together + " ms");

        // A modifying path keeps locking: a second modifying request waits for the first, a read-only one does not.
        awaitLock(browser.cookie(), false);
        CompletableFuture<Timed> m1 = timed(sharing(browser), a, "/app/slowset?millis=500&name=m&value=1");
        awaitLock(browser.cookie(), true);
        CompletableFuture<Timed> m2 = timed(sharing(browser), b, "/app/slowset?millis=10&name=m&value=2");
        CompletableFuture<Timed> read = timed(sharing(browser), b, "/app/get");
        assertTrue(read.get().endNanos() < m1.get().endNanos(), "read-only request did not wait");
        assertTrue(m2.get().endNanos() > m1.get().endNanos(), "modifying requests serialised");
        assertEquals("2", browser.get(a, "/app/get").value("m"));
    }

    @Test
    void uriPatternLocksOnlyMatchingPaths() throws Exception
    {
        startJettys(c -> c.setLockingMode("uriPattern:^/app/locked/.*"));
        SessionClient browser = new SessionClient();
        browser.get(a, "/app/set?name=k&value=v");

        long start = System.nanoTime();
        CompletableFuture<Timed> l1 = timed(sharing(browser), a, "/app/locked/sleep?millis=400");
        CompletableFuture<Timed> l2 = timed(sharing(browser), b, "/app/locked/sleep?millis=400");
        long locked = (Math.max(l1.get().endNanos(), l2.get().endNanos()) - start) / 1_000_000;

        start = System.nanoTime();
        CompletableFuture<Timed> u1 = timed(sharing(browser), a, "/app/sleep?millis=400");
        CompletableFuture<Timed> u2 = timed(sharing(browser), b, "/app/sleep?millis=400");
        long unlocked = (Math.max(u1.get().endNanos(), u2.get().endNanos()) - start) / 1_000_000;
        System.out.println("uriPattern: matching pair " + locked + " ms, other pair " + unlocked + " ms");
        assertTrue(locked >= 800, "matching requests serialised: " + locked + " ms");
        assertTrue(unlocked < 780, "other requests overlapped: " + unlocked + " ms");
    }

    private String holdLockOf(String cookie) throws Exception
    {
        String id = clusterId(cookie);
        String node = id.substring(id.lastIndexOf('-') + 1);
        String lockKey = KEYS.lock(id);
        try (MemcachedTextClient client = MemcachedTextClient.of(nodes.node(node)))
        {
            assertTrue(client.set(lockKey, "someone-else".getBytes(), 60));
        }
        return lockKey;
    }

    @Test
    void aLockHeldPastTheTimeoutIsProceededOrRejectedAndCounted() throws Exception
    {
        a = JettyNode.start("w1", nodes.nodesProperty(), c ->
        {
            c.setSticky(false);
            c.setLockingMode("all");
            c.setLockTimeoutMillis(300);
            c.setLockTimeoutAction("proceed");
        });
        b = JettyNode.start("w2", nodes.nodesProperty(), c ->
        {
            c.setSticky(false);
            c.setLockingMode("all");
            c.setLockTimeoutMillis(300);
            c.setLockTimeoutAction("reject");
        });
        SessionClient browser = new SessionClient();
        browser.get(a, "/app/set?name=k&value=v");
        holdLockOf(browser.cookie());

        SessionClient.Reply proceeded = browser.get(a, "/app/get");
        assertEquals(200, proceeded.status());
        assertEquals("v", proceeded.value("k"));
        assertEquals(1, a.cluster().statistics().getLockTimeoutsProceeded());

        SessionClient.Reply rejected = browser.get(b, "/app/get");
        assertEquals(503, rejected.status());
        assertTrue(rejected.body().contains("retry"), rejected.body());
        assertEquals(1, b.cluster().statistics().getLockRejections());
        RawHttp.Reply raw = RawHttp.get(b.port(), "/app/get", browser.cookie().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(503, raw.status());
        assertTrue(raw.raw().contains("\r\nRetry-After: 1\r\n"), raw.raw());
    }

    @Test
    void aFailingRequestStillReleasesItsLock() throws Exception
    {
        startJettys(c ->
        {
            c.setLockingMode("all");
            c.setLockTimeoutMillis(5000);
        });
        SessionClient browser = new SessionClient();
        String cookie = browser.get(a, "/app/set?name=k&value=v").setCookie().orElseThrow();
        SessionClient.Reply failed = browser.get(a, "/app/throw?name=k&value=w");
        assertEquals(500, failed.status());
        SessionClient.Reply next = browser.get(b, "/app/get");
        assertEquals(200, next.status());
        assertTrue(next.millis() < 2000, "the next request did not wait for the lock to expire: " + next.millis() + " ms");
        String id = clusterId(cookie);
        // Each request releases its lock when it completes, which may be just after its response.
        try (MemcachedTextClient client = MemcachedTextClient.of(nodes.node(id.substring(id.lastIndexOf('-') + 1))))
        {
            Await.await("the lock of " + id + " released", () -> !client.contains(KEYS.lock(id)), Duration.ofSeconds(2));
            assertFalse(client.contains(KEYS.lock(id)), "lock released");
        }
        assertEquals(0, b.cluster().statistics().getLockTimeouts());
    }

    @Test
    void anAsyncRequestHoldsItsLockUntilItCompletes() throws Exception
    {
        startJettys(c -> c.setLockingMode("all"));
        SessionClient browser = new SessionClient();
        browser.get(a, "/app/set?name=k&value=v");
        awaitLock(browser.cookie(), false);
        CompletableFuture<Timed> async = timed(sharing(browser), a, "/app/async?millis=500&name=async&value=done");
        awaitLock(browser.cookie(), true);
        Timed read = timed(sharing(browser), b, "/app/get").get();
        assertEquals("done", read.reply().value("async"), "the parallel request waited for the async one to store");
        assertTrue(read.endNanos() >= async.get().endNanos() - 50_000_000L, "it ended after the async request");
    }

    @Test
    void ignoredPathsWithASessionCookieNeitherLoadNorStoreNorSetACookie() throws Exception
    {
        startJettys(c -> c.setLockingMode("all"));
        SessionClient browser = new SessionClient();
        browser.get(a, "/app/set?name=foo&value=bar");
        awaitLock(browser.cookie(), false); // released after the request-end write, which may land just after the response
        long gets = sum("cmd_get");
        long sets = sum("cmd_set");
        long touches = sum("cmd_touch");
        long deletes = sum("delete_hits") + sum("delete_misses");
        for (JettyNode jetty : List.of(a, b))
        {
            SessionClient.Reply reply = browser.get(jetty, "/static/pixel.png");
            assertEquals(200, reply.status());
            assertTrue(reply.setCookie().isEmpty(), "no Set-Cookie for an ignored resource");
            assertTrue(reply.body().contains("session=false"), reply.body());
        }
        // The background probe reads one key per node per interval; compare stores exactly and reads of sessions.
        assertEquals(sets, sum("cmd_set"), "nothing written");
        assertEquals(touches, sum("cmd_touch"), "nothing touched");
        assertEquals(deletes, sum("delete_hits") + sum("delete_misses"), "no lock taken or released");
        assertTrue(sum("cmd_get") - gets <= 2L * 3 * 2, "only probes read");
        assertEquals("bar", browser.get(b, "/app/get").value("foo"));
    }

    @Test
    void invalidationAndIdChangesLeaveOnlyTombstonesBehind() throws Exception
    {
        startJettys(c -> c.setLockingMode("all"));
        SessionClient browser = new SessionClient();
        String first = browser.get(a, "/app/set?name=k&value=v").setCookie().orElseThrow();
        SessionClient.Reply renewed = browser.get(b, "/app/renew");
        String second = renewed.setCookie().orElseThrow(() -> new AssertionError("no cookie after changeSessionId"));
        assertNotEquals(clusterId(first), clusterId(second));
        assertEquals("v", browser.get(a, "/app/get").value("k"));
        assertOnlyTombstonesOf(clusterId(first));

        browser.get(b, "/app/invalidate");
        assertOnlyTombstonesOf(clusterId(second));
    }

    /** An ended session leaves tombstones (so that nothing brings it back), no session copy and no lock. */
    private void assertOnlyTombstonesOf(String id) throws Exception
    {
        List<String> left = Await.await("only tombstones left for " + id, () -> sessionKeysOf(id), List::isEmpty, Duration.ofSeconds(2));
        assertEquals(List.of(), left, "session copies or locks left for " + id);
    }

    private List<String> sessionKeysOf(String id)
    {
        List<String> found = new ArrayList<>();
        for (MemcachedProcess node : nodes.all())
        {
            try (MemcachedTextClient client = MemcachedTextClient.of(node))
            {
                client.keys().stream().filter(k -> k.endsWith(id))
                    .filter(k -> k.startsWith("lock:") || !EnvelopeInspector.noSession(client.get(k)))
                    .map(k -> node.nodeId() + ":" + k).forEach(found::add);
            }
        }
        return found;
    }

    @Test
    void readOnlyAccessKeepsASessionAliveOnBothJettysAndIdleSessionsExpire() throws Exception
    {
        startJettys(c -> {});
        SessionClient browser = new SessionClient();
        String cookie = browser.get(a, "/app/timeout?seconds=2").setCookie().orElseThrow();
        browser.get(a, "/app/set?name=k&value=v");
        for (int i = 0; i < 5; i++)
        {
            Thread.sleep(1000);
            SessionClient.Reply reply = browser.get(i % 2 == 0 ? b : a, "/app/get");
            assertEquals("v", reply.value("k"), "alive after " + (i + 1) + " s of read-only use");
            assertEquals(clusterId(cookie), reply.value("id"));
        }
        Thread.sleep(3000);
        SessionClient other = sharing(browser);
        SessionClient.Reply onB = other.get(b, "/app/get");
        assertNull(onB.value("k"), "expired on w2");
        assertNotEquals(clusterId(cookie), onB.value("id"));
        SessionClient.Reply onA = browser.get(a, "/app/get");
        assertNull(onA.value("k"), "expired on w1");
    }

    @Test
    void aReadOnlyRequestOnATenKilobyteSessionSendsAtMost200Bytes() throws Exception
    {
        startJettys(c ->
        {
            c.setLockingMode("none");
            c.setNodeProbeIntervalMillis(600_000); // no probe traffic in the byte count
        });
        SessionClient browser = new SessionClient();
        browser.get(a, "/app/big?kb=10");
        browser.get(b, "/app/get");
        awaitStores(a, 0, 1); // the request-end write may land just after the response
        awaitStores(b, 0, 1);

        // Reading the counters costs bytes too ("stats" on every node): measure that cost and take it off.
        long probe = sum("bytes_read");
        long overhead = sum("bytes_read") - probe;
        long setsBefore = sum("cmd_set");
        long writesBefore = a.cluster().statistics().getWrites() + b.cluster().statistics().getWrites();
        long before = sum("bytes_read");
        long storesOnA = stores(a);
        SessionClient.Reply reply = browser.get(a, "/app/get");
        awaitStores(a, storesOnA, 1);
        long sent = sum("bytes_read") - before - overhead;
        System.out.println("read-only request on a 10 KB session sent " + sent + " bytes to memcached (all nodes)");
        assertEquals(10 * 1024, reply.value("big").length());
        assertTrue(sent <= 200, "bytes sent to memcached by a read-only request: " + sent);
        assertTrue(sum("cmd_set") - setsBefore <= 1, "at most an access record append (memcached counts it as a set)");
        assertEquals(writesBefore, a.cluster().statistics().getWrites() + b.cluster().statistics().getWrites(), "no full write");

        before = sum("bytes_read");
        long storesOnB = stores(b);
        browser.get(b, "/app/set?name=small&value=changed");
        awaitStores(b, storesOnB, 1);
        long modified = sum("bytes_read") - before - overhead;
        System.out.println("modifying request on a 10 KB session sent " + modified + " bytes to memcached (all nodes)");
        assertTrue(modified > 2 * 10 * 1024, "a modifying request writes the blob to primary and backup: " + modified);
        assertEquals("changed", browser.get(a, "/app/get").value("small"));
    }

    @Test
    void aMutatedAttributeIsSavedEvenThoughJettyDoesNotSeeIt() throws Exception
    {
        startJettys(c -> c.setLockingMode("all"));
        SessionClient browser = new SessionClient();
        browser.get(a, "/app/append?value=one");
        browser.get(b, "/app/append?value=two");
        assertEquals("[one, two]", browser.get(a, "/app/get").value("list"));
    }

    @Test
    void killingThePrimaryMovesTheSessionInNonStickyModeToo() throws Exception
    {
        startJettys(c -> c.setLockingMode("all"));
        SessionClient browser = new SessionClient();
        String cookie = browser.get(a, "/app/set?name=k&value=v").setCookie().orElseThrow();
        String id = clusterId(cookie);
        String node = id.substring(id.lastIndexOf('-') + 1);
        nodes.node(node).kill9();
        Await.await("node " + node + " seen down by both Jettys", () -> !a.cluster().health().isLive(node) && !b.cluster().health().isLive(node), Duration.ofSeconds(10));

        SessionClient.Reply onB = browser.get(b, "/app/get");
        assertEquals(200, onB.status());
        assertEquals("v", onB.value("k"));
        String moved = onB.setCookie().orElseThrow(() -> new AssertionError("no new cookie after the primary died"));
        assertEquals(id.substring(0, id.lastIndexOf('-')), clusterId(moved).substring(0, clusterId(moved).lastIndexOf('-')));
        assertNotEquals(node, clusterId(moved).substring(clusterId(moved).lastIndexOf('-') + 1));
        SessionClient.Reply onA = browser.get(a, "/app/get");
        assertEquals("v", onA.value("k"));
        assertEquals(clusterId(moved), onA.value("id"));
    }
}
