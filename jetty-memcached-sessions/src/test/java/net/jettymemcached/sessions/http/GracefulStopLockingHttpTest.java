package net.jettymemcached.sessions.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import net.jettymemcached.sessions.store.SessionKeys;
import net.jettymemcached.sessions.testing.Await;
import net.jettymemcached.sessions.testing.MemcachedNodes;
import net.jettymemcached.sessions.testing.MemcachedTextClient;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.util.component.LifeCycle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stopping a non-sticky Jetty ({@code lockingMode=all}) while requests holding their sessions' locks are in flight:
 * they finish, store their sessions and release their locks before the memcached clients close; a request arriving
 * while the module stops is answered 503 with {@code Retry-After} (or cannot connect), never 500. A lock left behind
 * would block its session on every Jetty for {@code lockExpiration} (30 s), and its parallel requests would then
 * proceed unlocked.
 * <p>
 * The servlet at {@code /block/*} increments the session's counter and then waits for the test's latch, holding the
 * lock; {@code /block/new} waits first and only then creates its session.
 */
class GracefulStopLockingHttpTest
{
    private static final SessionKeys KEYS = new SessionKeys("", "_", "0.0.0.0");
    private static final int IN_FLIGHT = 3;

    private static volatile CountDownLatch release = new CountDownLatch(1);
    private static final AtomicInteger BLOCKED = new AtomicInteger();
    /** Every request the stopping Jetty completed, as {@code path status}, also those whose connection the stop closed. */
    private static final List<String> COMPLETED = new CopyOnWriteArrayList<>();

    private MemcachedNodes nodes;
    private JettyNode w1;
    private JettyNode w2;

    public static class BlockingServlet extends HttpServlet
    {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException
        {
            boolean createsLate = "/new".equals(request.getPathInfo());
            if (createsLate)
                block();
            HttpSession session = request.getSession(true);
            Integer counter = (Integer)session.getAttribute("counter");
            session.setAttribute("counter", counter == null ? 1 : counter + 1);
            if (!createsLate)
                block();
            response.setContentType("text/plain");
            response.getWriter().println("id=" + session.getId());
            response.getWriter().println("counter=" + session.getAttribute("counter"));
        }

        private static void block()
        {
            BLOCKED.incrementAndGet();
            try
            {
                if (!release.await(30, TimeUnit.SECONDS))
                    throw new IllegalStateException("never released");
            }
            catch (InterruptedException x)
            {
                throw new IllegalStateException("interrupted while blocked", x);
            }
        }
    }

    @BeforeEach
    void startNodes()
    {
        release = new CountDownLatch(1);
        BLOCKED.set(0);
        COMPLETED.clear();
        nodes = MemcachedNodes.start(2);
    }

    /** @param stopTimeout Jetty's graceful stop: how long the server waits for its requests before closing connections */
    private void startJetty(long stopTimeout) throws Exception
    {
        startJetty(stopTimeout, 5000);
    }

    private void startJetty(long stopTimeout, long asyncStopTimeout) throws Exception
    {
        w1 = JettyNode.start("w1", nodes.nodesProperty(), c ->
        {
            c.setSticky(false);
            c.setLockingMode("all");
            c.setLockTimeoutMillis(3000);
            c.setAsyncStopTimeoutMillis(asyncStopTimeout);
        }, http -> {}, context ->
        {
            context.addServlet(new ServletHolder(new SessionServlet("w1")), "/app/*");
            context.addServlet(new ServletHolder(new StaticServlet()), "/static/*");
            context.addServlet(new ServletHolder(new BlockingServlet()), "/block/*");
        }, server ->
        {
            server.setStopTimeout(stopTimeout);
            server.setRequestLog((request, response) -> COMPLETED.add(request.getHttpURI().getPath() + " " + response.getStatus()));
        });
    }

    @AfterEach
    void stop() throws Exception
    {
        release.countDown();
        if (w2 != null)
            w2.close();
        if (w1 != null)
            w1.close();
        nodes.close();
    }

    /**
     * Jetty's graceful stop ({@code stopTimeout}; the connectors accept no new connection and the server waits for
     * the requests in flight): the locked requests released while it waits get their normal answers and store their
     * sessions, no lock is left, and requests arriving meanwhile on connections opened before are answered 503 with
     * {@code Retry-After} (with Jetty's {@code graceful} module, its {@code GracefulHandler} answers them 503 before
     * they reach the sessions).
     */
    @Test
    void aGracefulStopLetsLockedRequestsFinishAndAnswersLateOnes503() throws Exception
    {
        startJetty(10_000);
        List<SessionClient> browsers = browsersWithSessions();
        SessionClient lateBrowser = browsersWithSessions(1).get(0);
        Probe lateWithSession = new Probe(w1.uri("/app/incr"), lateBrowser.cookie());
        Probe lateWithoutSession = new Probe(w1.uri("/app/incr"), null);
        lateWithSession.connect(w1.uri("/static/ping"));
        lateWithoutSession.connect(w1.uri("/static/ping"));
        List<CompletableFuture<SessionClient.Reply>> inFlight = sendBlocked(browsers, "/block/incr");
        Await.await(IN_FLIGHT + " requests holding their locks", () -> BLOCKED.get() == IN_FLIGHT, Duration.ofSeconds(10));
        for (SessionClient browser : browsers)
            assertTrue(lockHeld(browser), "the lock of " + clusterId(browser) + " is held while its request runs");

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(this::stopW1);
        AbstractConnector connector = (AbstractConnector)w1.server().getConnectors()[0];
        Await.await("the connector shut down for the graceful stop", connector::isShutdown, Duration.ofSeconds(5));
        List<String> late = List.of(lateWithSession.send(), lateWithoutSession.send());
        release.countDown();
        stopping.get(30, TimeUnit.SECONDS);

        System.out.println("arriving during the stop: " + late);
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < IN_FLIGHT; i++)
        {
            String answer = answer(inFlight.get(i));
            System.out.println("in flight: " + answer);
            if (!answer.startsWith("200 ") || !answer.contains("counter=2"))
                problems.add("in-flight request " + i + " answered " + answer);
        }
        for (String answer : late)
        {
            if (!answer.startsWith("refused") && !answer.matches("503 Retry-After=\\d+"))
                problems.add("a request arriving during the stop answered " + answer);
        }
        problems.addAll(locksLeft(browsers, lateBrowser));
        if (!problems.isEmpty())
            problems.add("completed: " + COMPLETED);
        assertEquals(List.of(), problems);

        w2 = JettyNode.start("w2", nodes.nodesProperty(), c -> c.setSticky(false));
        for (SessionClient browser : browsers)
            assertEquals("2", browser.get(w2, "/app/get").value("counter"), "the in-flight request's change is stored");
        assertEquals("1", lateBrowser.get(w2, "/app/get").value("counter"), "the refused request changed nothing");
    }

    /**
     * A stop that does not wait for requests ({@code stopTimeout} 0, the default of an embedded server and of
     * jetty-home without the {@code graceful} module; or a graceful stop whose time ran out): the connections close at
     * once, but the requests' threads run on, and the module waits for them (bounded by {@code asyncStopTimeout})
     * before it stops: they store their sessions, release their locks, and none fails with a 500 (a session created
     * then used to fail with a {@code NullPointerException} of Jetty's stopped id manager).
     */
    @Test
    void aStopThatDoesNotWaitForRequestsLeavesNoLockAndNo500() throws Exception
    {
        startJetty(0);
        List<SessionClient> browsers = browsersWithSessions();
        List<CompletableFuture<SessionClient.Reply>> inFlight = sendBlocked(browsers, "/block/incr");
        inFlight.addAll(sendBlocked(List.of(new SessionClient()), "/block/new"));
        Await.await(IN_FLIGHT + 1 + " requests blocked", () -> BLOCKED.get() == IN_FLIGHT + 1, Duration.ofSeconds(10));

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(this::stopW1);
        // Released once the module has stopped (it did not wait), or after a second of it waiting for them.
        Await.until(() -> w1.cluster().isStopped(), Duration.ofSeconds(1));
        release.countDown();
        stopping.get(30, TimeUnit.SECONDS);

        List<String> problems = new ArrayList<>();
        for (int i = 0; i < inFlight.size(); i++)
        {
            String answer = answer(inFlight.get(i));
            System.out.println("in flight: " + answer);
            if (!answer.startsWith("200 ") && !answer.startsWith("refused"))
                problems.add("in-flight request " + i + " answered " + answer);
        }
        for (String completed : COMPLETED)
        {
            if (completed.startsWith("/block/") && !completed.endsWith(" 200"))
                problems.add("completed with an error: " + completed);
        }
        problems.addAll(locksLeft(browsers));
        System.out.println("completed: " + COMPLETED);
        if (!problems.isEmpty())
            problems.add("completed: " + COMPLETED);
        assertEquals(List.of(), problems);

        w2 = JettyNode.start("w2", nodes.nodesProperty(), c -> c.setSticky(false));
        for (SessionClient browser : browsers)
            assertEquals("2", browser.get(w2, "/app/get").value("counter"), "the in-flight request's change is stored");
    }

    /** A request that does not end holds the module's stop for {@code asyncStopTimeout} at most. */
    @Test
    void theStopWaitsForRequestsAtMostAsyncStopTimeout() throws Exception
    {
        startJetty(0, 300);
        List<SessionClient> browsers = browsersWithSessions(1);
        sendBlocked(browsers, "/block/incr");
        Await.await("the request holding its lock", () -> BLOCKED.get() == 1, Duration.ofSeconds(10));
        long[] clusterStopped = new long[1];
        w1.cluster().addEventListener(new LifeCycle.Listener()
        {
            @Override
            public void lifeCycleStopped(LifeCycle event)
            {
                clusterStopped[0] = System.nanoTime();
            }
        });

        long start = System.nanoTime();
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(this::stopW1);
        Await.await("the module stopped", () -> w1.cluster().isStopped(), Duration.ofSeconds(10));
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(clusterStopped[0] - start);
        assertTrue(waitedMs >= 300 && waitedMs < 3000, "the module waited " + waitedMs + " ms for the request (asyncStopTimeout 300 ms)");
        release.countDown();
        stopping.get(30, TimeUnit.SECONDS);
    }

    private List<SessionClient> browsersWithSessions() throws Exception
    {
        return browsersWithSessions(IN_FLIGHT);
    }

    private List<SessionClient> browsersWithSessions(int count) throws Exception
    {
        List<SessionClient> browsers = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            SessionClient browser = new SessionClient();
            assertEquals("1", browser.get(w1, "/app/incr").value("counter"));
            browsers.add(browser);
        }
        return browsers;
    }

    private List<CompletableFuture<SessionClient.Reply>> sendBlocked(List<SessionClient> browsers, String path)
    {
        List<CompletableFuture<SessionClient.Reply>> replies = new ArrayList<>();
        for (SessionClient browser : browsers)
        {
            replies.add(CompletableFuture.supplyAsync(() ->
            {
                try
                {
                    return browser.get(w1, path);
                }
                catch (IOException | InterruptedException x)
                {
                    throw new RuntimeException(x);
                }
            }));
        }
        return replies;
    }

    private void stopW1()
    {
        try
        {
            w1.server().stop();
        }
        catch (Exception x)
        {
            throw new RuntimeException(x);
        }
    }

    /** @return {@code <status> <body>}, or {@code refused: <exception>} when the connection failed or was closed */
    private static String answer(CompletableFuture<SessionClient.Reply> reply) throws Exception
    {
        try
        {
            SessionClient.Reply r = reply.get(30, TimeUnit.SECONDS);
            return r.status() + " " + r.body().replace('\n', ' ');
        }
        catch (ExecutionException x)
        {
            if (x.getCause() instanceof RuntimeException wrapper && wrapper.getCause() instanceof IOException io)
                return "refused: " + io;
            throw x;
        }
    }

    private List<String> locksLeft(List<SessionClient> browsers, SessionClient... more)
    {
        List<SessionClient> all = new ArrayList<>(browsers);
        all.addAll(List.of(more));
        List<String> left = new ArrayList<>();
        for (SessionClient browser : all)
        {
            if (lockHeld(browser))
                left.add("lock left in memcached: " + KEYS.lock(clusterId(browser)));
        }
        return left;
    }

    private static String clusterId(SessionClient browser)
    {
        return browser.cookie().substring(0, browser.cookie().lastIndexOf('.'));
    }

    private boolean lockHeld(SessionClient browser)
    {
        try (MemcachedTextClient client = MemcachedTextClient.of(nodes.node(SessionClient.node(browser.cookie()))))
        {
            return client.contains(KEYS.lock(clusterId(browser)));
        }
    }

    /**
     * A client with a connection opened before the stop (the connectors accept no new ones once it begins), which
     * sends one more request on it.
     */
    private static final class Probe
    {
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        private final URI uri;
        private final String cookie;

        Probe(URI uri, String cookie)
        {
            this.uri = uri;
            this.cookie = cookie;
        }

        /** Opens the connection with a request that neither has nor makes a session. */
        void connect(URI sessionless) throws Exception
        {
            assertEquals(200, http.send(HttpRequest.newBuilder(sessionless).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode());
        }

        /** @return {@code <status> Retry-After=<value or ->}, or {@code refused: <exception>} */
        String send()
        {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
            if (cookie != null)
                request.header("Cookie", "JSESSIONID=" + cookie);
            try
            {
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                return response.statusCode() + " Retry-After=" + response.headers().firstValue("Retry-After").orElse("-");
            }
            catch (IOException x)
            {
                return "refused: " + x;
            }
            catch (InterruptedException x)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(x);
            }
        }
    }
}
