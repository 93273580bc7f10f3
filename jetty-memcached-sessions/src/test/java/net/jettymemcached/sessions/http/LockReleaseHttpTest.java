package net.jettymemcached.sessions.http;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import net.jettymemcached.sessions.store.SessionKeys;
import net.jettymemcached.sessions.testing.Await;
import net.jettymemcached.sessions.testing.MemcachedNodes;
import net.jettymemcached.sessions.testing.MemcachedTextClient;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A lock is released by the request that holds it, after its session was stored, however the request completes:
 * an async request completed from an application thread (no context scope on that thread), or completed by another
 * request of another session on that request's thread.
 */
class LockReleaseHttpTest
{
    private static final SessionKeys KEYS = new SessionKeys("", "_", "0.0.0.0");
    private static final LinkedBlockingQueue<AsyncContext> WAITING = new LinkedBlockingQueue<>();

    private MemcachedNodes nodes;
    private JettyNode jetty;

    /** {@code /init} makes a session, {@code /wait} parks the request, {@code /wake} completes a parked one. */
    public static class ParkingServlet extends HttpServlet
    {
        static volatile boolean wakerLockHeldAfterWaking;
        static volatile MemcachedNodes nodesOfTest;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException
        {
            HttpSession session = request.getSession(true);
            switch (request.getPathInfo())
            {
                case "/init" -> session.setAttribute("n", 1);
                case "/wait" ->
                {
                    AsyncContext async = request.startAsync();
                    async.setTimeout(0);
                    WAITING.add(async);
                    return;
                }
                case "/wake" ->
                {
                    AsyncContext parked = WAITING.poll();
                    parked.getResponse().getWriter().println("woken");
                    parked.complete();
                    wakerLockHeldAfterWaking = lockHeld(nodesOfTest, session.getId());
                    session.setAttribute("n", 2);
                }
                default -> response.setStatus(404);
            }
            response.setContentType("text/plain");
            response.getWriter().println("id=" + session.getId());
        }
    }

    @BeforeEach
    void start() throws Exception
    {
        nodes = MemcachedNodes.start(2);
        ParkingServlet.nodesOfTest = nodes;
        jetty = JettyNode.start("w1", nodes.nodesProperty(), c ->
        {
            c.setSticky(false);
            c.setLockingMode("all");
            c.setLockTimeoutMillis(3000);
        }, http -> {}, context ->
        {
            ServletHolder app = new ServletHolder(new SessionServlet("w1"));
            app.setAsyncSupported(true);
            context.addServlet(app, "/app/*");
            ServletHolder parking = new ServletHolder(new ParkingServlet());
            parking.setAsyncSupported(true);
            context.addServlet(parking, "/park/*");
        });
    }

    @AfterEach
    void stop() throws Exception
    {
        WAITING.clear();
        jetty.close();
        nodes.close();
    }

    private static String clusterId(String cookie)
    {
        return cookie.substring(0, cookie.lastIndexOf('.'));
    }

    static boolean lockHeld(MemcachedNodes nodes, String clusterId)
    {
        try (MemcachedTextClient client = MemcachedTextClient.of(nodes.node(clusterId.substring(clusterId.lastIndexOf('-') + 1))))
        {
            return client.contains(KEYS.lock(clusterId));
        }
    }

    /**
     * The lock of a completed request is released as Jetty completes it, which may be just after the client has read
     * the last byte; a lock left behind would stay for {@code lockExpiration} (30 s).
     */
    private void assertReleased(String clusterId, String what)
    {
        Await.await(what + ": the lock of " + clusterId + " released", () -> !lockHeld(nodes, clusterId), Duration.ofSeconds(2));
    }

    @Test
    void anAsyncRequestCompletedFromAnApplicationThreadReleasesItsLock() throws Exception
    {
        SessionClient browser = new SessionClient();
        String id = clusterId(browser.get(jetty, "/app/set?name=k&value=v").setCookie().orElseThrow());
        SessionClient.Reply async = browser.get(jetty, "/app/async?millis=100&name=async&value=done");
        assertEquals(200, async.status());
        assertReleased(id, "after an async request");
        assertEquals("done", browser.get(jetty, "/app/get").value("async"));
    }

    @Test
    void aRequestCompletingAnotherOnesAsyncWorkReleasesOnlyTheRightLocks() throws Exception
    {
        SessionClient parked = new SessionClient();
        SessionClient waker = new SessionClient();
        String parkedId = clusterId(parked.get(jetty, "/park/init").setCookie().orElseThrow());
        waker.get(jetty, "/park/init");
        CompletableFuture<SessionClient.Reply> waiting = CompletableFuture.supplyAsync(() ->
        {
            try
            {
                return parked.get(jetty, "/park/wait");
            }
            catch (Exception x)
            {
                throw new RuntimeException(x);
            }
        });
        Await.await("the parked request waiting", () -> !WAITING.isEmpty(), Duration.ofSeconds(10));
        assertTrue(lockHeld(nodes, parkedId), "the parked request holds its lock");

        assertEquals(200, waker.get(jetty, "/park/wake").status());
        assertTrue(ParkingServlet.wakerLockHeldAfterWaking, "the waking request still holds its own lock while it runs");
        assertEquals(200, waiting.get(10, TimeUnit.SECONDS).status());
        assertReleased(parkedId, "after the parked request completed");
    }
}
