package net.jettymemcached.sessions.http;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import net.jettymemcached.sessions.MemcachedSessionsConfig;
import net.jettymemcached.sessions.stats.MemcachedSessionStatistics;
import net.jettymemcached.sessions.store.SessionKeys;
import net.jettymemcached.sessions.testing.Await;
import net.jettymemcached.sessions.testing.MemcachedNodes;
import net.jettymemcached.sessions.testing.MemcachedProcess;
import net.jettymemcached.sessions.testing.MemcachedTextClient;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A lock holds for its whole request (non-sticky, {@code lockingMode=all}, two Jettys): renewed while a request runs
 * longer than {@code lockExpiration}; a request whose lock was lost does not overwrite the write of the request that
 * holds it now; a lock {@code add} that timed out on a paused node leaves no lock behind, and the request locks the
 * session where it lives now.
 */
class LockHoldingHttpTest
{
    private static final SessionKeys KEYS = new SessionKeys("", "_", "0.0.0.0");
    /** Per gate name: counted down when a request reaches it, and the latch that lets it go on. */
    private static final Map<String, CountDownLatch> REACHED = new ConcurrentHashMap<>();
    private static final Map<String, CountDownLatch> RELEASED = new ConcurrentHashMap<>();

    private MemcachedNodes nodes;
    private JettyNode a;
    private JettyNode b;
    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    /** {@code /gate/<name>?name=&value=}: sets an attribute (or increments {@code counter}), then waits at the gate. */
    public static class GateServlet extends HttpServlet
    {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException
        {
            HttpSession session = request.getSession(true);
            if (request.getParameter("name") != null)
                session.setAttribute(request.getParameter("name"), request.getParameter("value"));
            else
                session.setAttribute("counter", session.getAttribute("counter") == null ? 1 : (Integer)session.getAttribute("counter") + 1);
            String gate = request.getPathInfo().substring(1);
            gate(REACHED, gate).countDown();
            try
            {
                if (!gate(RELEASED, gate).await(60, TimeUnit.SECONDS))
                    throw new IllegalStateException("gate " + gate + " never opened");
            }
            catch (InterruptedException x)
            {
                Thread.currentThread().interrupt();
            }
            response.setContentType("text/plain");
            response.getWriter().println("id=" + session.getId());
        }
    }

    private static CountDownLatch gate(Map<String, CountDownLatch> gates, String name)
    {
        return gates.computeIfAbsent(name, n -> new CountDownLatch(1));
    }

    private void startJettys(int nodeCount, Consumer<MemcachedSessionsConfig> settings) throws Exception
    {
        nodes = MemcachedNodes.start(nodeCount);
        Consumer<MemcachedSessionsConfig> locked = c ->
        {
            c.setSticky(false);
            c.setLockingMode("all");
            settings.accept(c);
        };
        a = JettyNode.start("w1", nodes.nodesProperty(), locked, http -> {}, context -> webapp(context, "w1"));
        b = JettyNode.start("w2", nodes.nodesProperty(), locked, http -> {}, context -> webapp(context, "w2"));
    }

    private static void webapp(org.eclipse.jetty.ee11.servlet.ServletContextHandler context, String worker)
    {
        context.addServlet(new ServletHolder(new SessionServlet(worker)), "/app/*");
        context.addServlet(new ServletHolder(new GateServlet()), "/gate/*");
    }

    @AfterEach
    void stop() throws Exception
    {
        RELEASED.values().forEach(CountDownLatch::countDown);
        REACHED.clear();
        RELEASED.clear();
        pool.shutdownNow();
        if (b != null)
            b.close();
        if (a != null)
            a.close();
        if (nodes != null)
            nodes.close();
    }

    private static String clusterId(String cookie)
    {
        return cookie.substring(0, cookie.lastIndexOf('.'));
    }

    private static String nodeOf(String clusterId)
    {
        return clusterId.substring(clusterId.lastIndexOf('-') + 1);
    }

    private boolean lockHeld(String clusterId)
    {
        try (MemcachedTextClient client = MemcachedTextClient.of(nodes.node(nodeOf(clusterId))))
        {
            return client.contains(KEYS.lock(clusterId));
        }
    }

    private void awaitLock(String clusterId, boolean held)
    {
        Await.await("the lock of " + clusterId + (held ? " taken" : " released"), () -> lockHeld(clusterId) == held, Duration.ofSeconds(5));
    }

    private SessionClient sharing(SessionClient browser)
    {
        SessionClient other = new SessionClient();
        other.setCookie(browser.cookie());
        return other;
    }

    private CompletableFuture<SessionClient.Reply> send(SessionClient client, JettyNode jetty, String path)
    {
        return CompletableFuture.supplyAsync(() ->
        {
            try
            {
                return client.get(jetty, path);
            }
            catch (Exception x)
            {
                throw new RuntimeException(x);
            }
        }, pool);
    }

    private void awaitGate(String gate) throws InterruptedException
    {
        assertTrue(gate(REACHED, gate).await(10, TimeUnit.SECONDS), "no request reached gate " + gate);
    }

    private static MemcachedSessionStatistics stats(JettyNode jetty)
    {
        return jetty.cluster().statistics();
    }

    @Test
    void aRequestLongerThanTheLockExpirationKeepsItsLockAndNoIncrementIsLost() throws Exception
    {
        int expirationSeconds = 2;
        startJettys(3, c ->
        {
            c.setLockExpirationSeconds(expirationSeconds);
            c.setLockTimeoutMillis(20_000);
        });
        SessionClient browser = new SessionClient();
        assertEquals("1", browser.get(a, "/app/incr").value("counter"));
        String id = clusterId(browser.cookie());
        awaitLock(id, false);

        CompletableFuture<SessionClient.Reply> longRequest = send(sharing(browser), a, "/gate/long");
        awaitGate("long");
        CompletableFuture<SessionClient.Reply> increment = send(sharing(browser), b, "/app/incr");
        // The long request runs for three lock expirations; the increment on B must wait for it all along.
        boolean incrementedMeanwhile = Await.until(increment::isDone, Duration.ofSeconds(3L * expirationSeconds));
        gate(RELEASED, "long").countDown();
        assertEquals(200, longRequest.get(10, TimeUnit.SECONDS).status());
        assertEquals(200, increment.get(30, TimeUnit.SECONDS).status());
        int counter = Integer.parseInt(browser.get(a, "/app/get").value("counter"));
        System.out.println("long request (" + 3 * expirationSeconds + " s, lockExpiration " + expirationSeconds + " s) + 1 increment on the other Jetty: counter "
            + counter + " of 3, renewals " + stats(a).getLockRenewals() + ", increment done while the long request ran: " + incrementedMeanwhile);
        assertFalse(incrementedMeanwhile, "the other Jetty got the lock while the long request still ran: its lock expired under it");
        assertEquals(3, counter, "an increment was lost");
        assertTrue(stats(a).getLockRenewals() >= 2, "renewals: " + stats(a).getLockRenewals());
        assertEquals(0, stats(a).getLocksLost() + stats(b).getLocksLost());
    }

    @Test
    void aRequestThatLostItsLockDoesNotOverwriteTheWriteOfTheRequestHoldingItNow() throws Exception
    {
        startJettys(3, c -> c.setLockTimeoutMillis(10_000));
        SessionClient browser = new SessionClient();
        browser.get(a, "/app/set?name=by&value=first");
        String id = clusterId(browser.cookie());
        awaitLock(id, false);

        CompletableFuture<SessionClient.Reply> lost = send(sharing(browser), a, "/gate/lost?name=by&value=A");
        awaitGate("lost");
        // A's lock vanishes under it (evicted, or expired while A was stalled): B takes it and is still running.
        try (MemcachedTextClient client = MemcachedTextClient.of(nodes.node(nodeOf(id))))
        {
            assertTrue(client.delete(KEYS.lock(id)));
        }
        CompletableFuture<SessionClient.Reply> holder = send(sharing(browser), b, "/gate/holder?name=by&value=B");
        awaitGate("holder");
        gate(RELEASED, "lost").countDown();
        assertEquals(200, lost.get(10, TimeUnit.SECONDS).status(), "the request that lost its lock still completes");
        gate(RELEASED, "holder").countDown();
        assertEquals(200, holder.get(10, TimeUnit.SECONDS).status());
        String by = browser.get(a, "/app/get").value("by");
        System.out.println("lost lock: stored by=" + by + ", fenced writes " + stats(a).getFencedWrites() + ", lost locks " + stats(a).getLocksLost()
            + ", conflicts on the holder's Jetty " + stats(b).getWriteConflicts());
        assertEquals("B", by, "the request that lost its lock overwrote the write of the lock's holder");
        assertEquals(0, stats(b).getWriteConflicts());
        assertTrue(stats(a).getFencedWrites() >= 1);
        assertTrue(stats(a).getLocksLost() >= 1);
    }

    @Test
    void aLockAddThatTimesOutOnAPausedNodeLeavesNoLockAndTheRequestLocksTheSessionWhereItLivesNow() throws Exception
    {
        startJettys(2, c ->
        {
            c.setLockExpirationSeconds(30);
            c.setOperationTimeoutMillis(500);
            // No probe rounds: a probe that saw the pause first would mark the node down, and the request would then
            // send no add at all (nothing left to release: what this test checks would not happen). Probed below.
            c.setNodeProbeIntervalMillis(600_000);
        });
        SessionClient browser = new SessionClient();
        browser.get(a, "/app/set?name=k&value=v");
        String id = clusterId(browser.cookie());
        awaitLock(id, false);
        MemcachedProcess home = nodes.node(nodeOf(id));
        String otherNode = nodes.all().stream().map(MemcachedProcess::nodeId).filter(n -> !n.equals(nodeOf(id))).findFirst().orElseThrow();
        String movedId = id.substring(0, id.lastIndexOf('-') + 1) + otherNode;

        home.pause();
        CompletableFuture<SessionClient.Reply> request;
        try
        {
            request = send(sharing(browser), a, "/gate/paused?name=k2&value=v2");
            awaitGate("paused");
            assertTrue(lockHeld(movedId), "the request runs without a lock on the session's live home " + movedId);
        }
        finally
        {
            home.resume();
        }
        gate(RELEASED, "paused").countDown();
        assertEquals(200, request.get(10, TimeUnit.SECONDS).status());
        awaitLock(movedId, false);
        assertFalse(a.cluster().health().isLive(home.nodeId()), "the timed-out add marked the paused node down");
        Await.await("node " + home.nodeId() + " live again", () ->
        {
            a.cluster().health().probeAll();
            return a.cluster().health().isLive(home.nodeId());
        }, Duration.ofSeconds(10));
        // The add sent to the paused node was stored when it resumed: read back and removed, not left for 30 s.
        awaitLock(id, false);
        assertNotEquals(0, stats(a).getOrphanedLocksReleased());
        SessionClient.Reply reply = browser.get(b, "/app/get");
        assertEquals("v2", reply.value("k2"));
    }
}
