package net.jettymemcached.sessions.http;

import java.io.IOException;
import java.time.Duration;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import net.jettymemcached.sessions.testing.Await;
import net.jettymemcached.sessions.testing.MemcachedNodes;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code lockingMode=auto} learns: never from a 404 or an error response (random paths that do not exist
 * must not fill the set, and a request that failed says nothing about its path), and never more paths than
 * {@code lockAutoMaxPaths}.
 */
class AutoLockingLearningHttpTest
{
    private MemcachedNodes nodes;
    private JettyNode jetty;

    /** Touches the session, then answers 404 (a missing page) or 500 (a failing one). */
    static class MissingServlet extends HttpServlet
    {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException
        {
            request.getSession(true).getAttribute("k");
            response.sendError(request.getRequestURI().contains("/fail") ? 500 : 404);
        }
    }

    @BeforeEach
    void start() throws Exception
    {
        nodes = MemcachedNodes.start(2);
        jetty = JettyNode.start("w1", nodes.nodesProperty(), c ->
        {
            c.setSticky(false);
            c.setLockingMode("auto");
            c.setLockAutoMaxPaths(100);
        }, http -> {}, context ->
        {
            context.addServlet(new ServletHolder(new SessionServlet("w1")), "/app/*");
            context.addServlet(new ServletHolder(new MissingServlet()), "/missing/*");
        });
    }

    @AfterEach
    void stop() throws Exception
    {
        if (jetty != null)
            jetty.close();
        nodes.close();
    }

    private int learned()
    {
        return jetty.cluster().locking().getReadOnlyPaths();
    }

    /**
     * A request learns as it releases its lock, when Jetty completes it, which may be just after the client read the
     * response: once the lock is gone the request has taught what it teaches.
     */
    private void awaitFinished(SessionClient browser, String what)
    {
        String cookie = browser.cookie();
        String clusterId = cookie.substring(0, cookie.lastIndexOf('.'));
        Await.await(what + ": the lock of " + clusterId + " released", () -> !LockReleaseHttpTest.lockHeld(nodes, clusterId), Duration.ofSeconds(2));
    }

    @Test
    void notFoundAndErrorResponsesTeachNothing() throws Exception
    {
        SessionClient browser = new SessionClient();
        browser.get(jetty, "/app/set?name=k&value=v");
        awaitFinished(browser, "set");
        int before = learned();
        assertEquals(404, browser.get(jetty, "/missing/page").status());
        awaitFinished(browser, "404");
        assertEquals(500, browser.get(jetty, "/missing/fail").status());
        awaitFinished(browser, "500");
        assertEquals(before, learned(), "a 404 or a 500 was learned as a read-only path");
        assertEquals(200, browser.get(jetty, "/app/get").status());
        assertEquals(before + 1, (int)Await.await("the read-only path learned", this::learned, n -> n == before + 1, Duration.ofSeconds(2)));
    }

    @Test
    void theLearnedPathsStayWithinTheirCap() throws Exception
    {
        SessionClient browser = new SessionClient();
        browser.get(jetty, "/app/set?name=k&value=v");
        for (int i = 0; i < 3000; i++)
            assertEquals(200, browser.get(jetty, "/app/get/" + i).status());
        assertTrue(learned() <= 100, "learned " + learned() + " paths, cap 100");
        assertEquals(100, learned());
    }
}
