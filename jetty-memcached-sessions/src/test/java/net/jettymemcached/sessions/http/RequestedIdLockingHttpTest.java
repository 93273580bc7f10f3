package net.jettymemcached.sessions.http;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import net.jettymemcached.sessions.testing.MemcachedNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Non-sticky locking ({@code lockingMode=all}) locks the session id Jetty resolves, however it arrives; parallel
 * increments sent to two Jettys are never lost:
 * <ul>
 * <li>the id only in the URL ({@code ;jsessionid=}) and no cookie at all (a locker that looked only at the session
 * cookie took no lock for these requests);</li>
 * <li>two session cookies of the same name. Jetty 12.1 ({@code AbstractSessionManager.resolveRequestedSessionId})
 * takes the first id whose session exists and is valid, so with {@code JSESSIONID=<unknown>; JSESSIONID=<real>} it
 * uses the second; a locker that took the first parseable cookie locked the unknown id instead. Every request carries
 * a different well-formed id of no session first (a stale cookie), the real one second. (Two ids of valid sessions
 * are refused by Jetty with 400, so the first one cannot be a live session.)</li>
 * </ul>
 */
class RequestedIdLockingHttpTest
{
    /** How a request carries the session id. */
    enum Carrier
    {
        URL, TWO_COOKIES
    }

    private static final int THREADS = 4;
    private static final int PER_THREAD = 25;
    private static final Pattern SET_COOKIE = Pattern.compile("JSESSIONID=([^;]*)");

    private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private MemcachedNodes nodes;
    private JettyNode w1;
    private JettyNode w2;

    @BeforeEach
    void start() throws Exception
    {
        nodes = MemcachedNodes.start(3);
        w1 = JettyNode.start("w1", nodes.nodesProperty(), c ->
        {
            c.setSticky(false);
            c.setLockingMode("all");
            c.setLockTimeoutMillis(10_000);
            c.setLockTimeoutAction("reject"); // a lock not obtained shows as a 503, never as a silently lost update
        });
        w2 = JettyNode.start("w2", nodes.nodesProperty(), c ->
        {
            c.setSticky(false);
            c.setLockingMode("all");
            c.setLockTimeoutMillis(10_000);
            c.setLockTimeoutAction("reject");
        });
    }

    @AfterEach
    void stop() throws Exception
    {
        pool.shutdownNow();
        if (w2 != null)
            w2.close();
        if (w1 != null)
            w1.close();
        nodes.close();
    }

    /** A well-formed extended id of a session that does not exist, on one of the nodes, fresh on every call. */
    private static String unknownId(int n)
    {
        String random = UUID.randomUUID().toString().replace("-", "");
        return random + "-n" + (1 + n % 3) + ".w" + (1 + n % 2);
    }

    /**
     * GET with the id only in the URL and no Cookie header, or with the header
     * {@code Cookie: JSESSIONID=<unknown id n>; JSESSIONID=<extendedId>}.
     */
    private SessionClient.Reply get(Carrier carrier, JettyNode jetty, String path, String extendedId, int n) throws Exception
    {
        HttpRequest request = carrier == Carrier.URL
            ? HttpRequest.newBuilder(jetty.uri(path + ";jsessionid=" + extendedId)).timeout(Duration.ofSeconds(20)).GET().build()
            : HttpRequest.newBuilder(jetty.uri(path)).timeout(Duration.ofSeconds(20)).GET()
                .header("Cookie", "JSESSIONID=" + unknownId(n) + "; JSESSIONID=" + extendedId).build();
        long start = System.nanoTime();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        String setCookie = response.headers().allValues("Set-Cookie").stream().map(SET_COOKIE::matcher).filter(Matcher::find)
            .map(m -> m.group(1)).reduce((a, b) -> b).orElse(null);
        return new SessionClient.Reply(response.statusCode(), response.body(), Optional.ofNullable(setCookie), (System.nanoTime() - start) / 1_000_000);
    }

    @ParameterizedTest
    @EnumSource(Carrier.class)
    void parallelIncrementsAreNeverLost(Carrier carrier) throws Exception
    {
        SessionClient.Reply created = new SessionClient().get(w1, "/app/set?name=k&value=v");
        assertEquals(200, created.status());
        String extendedId = created.setCookie().orElseThrow(() -> new AssertionError("no session cookie for the new session"));
        String id = created.value("id");
        assertTrue(extendedId.startsWith(id + "."), extendedId + " is the extended id of " + id);

        // Jetty uses the URL's id or the second cookie: the same session, its attribute, no new session.
        SessionClient.Reply first = get(carrier, w2, "/app/get", extendedId, 0);
        assertEquals(200, first.status(), first.body());
        assertEquals(id, first.value("id"), "w2 used the session the request named (" + carrier + ")");
        assertEquals("v", first.value("k"));
        AtomicInteger requests = new AtomicInteger(1);

        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++)
        {
            int offset = t;
            futures.add(pool.submit(() ->
            {
                for (int i = 0; i < PER_THREAD; i++)
                {
                    SessionClient.Reply reply = get(carrier, (i + offset) % 2 == 0 ? w1 : w2, "/app/incr", extendedId, requests.getAndIncrement());
                    assertEquals(200, reply.status(), reply.body());
                    assertEquals(id, reply.value("id"), "the request used the session it named, not a new one");
                    assertEquals("v", reply.value("k"));
                    reply.setCookie().ifPresent(c -> assertTrue(c.startsWith(id + "."), "a cookie for another session: " + c));
                }
                return null;
            }));
        }
        for (Future<?> future : futures)
            future.get();

        SessionClient.Reply last = get(carrier, w1, "/app/get", extendedId, requests.getAndIncrement());
        assertEquals(id, last.value("id"));
        System.out.println(carrier + ", lockingMode=all: " + THREADS + " threads x " + PER_THREAD + " increments alternating two Jettys -> "
            + last.value("counter") + " of " + THREADS * PER_THREAD);
        assertEquals(String.valueOf(THREADS * PER_THREAD), last.value("counter"), "increments lost");
        assertEquals(0, w1.cluster().statistics().getLockTimeouts() + w2.cluster().statistics().getLockTimeouts(), "lock timeouts");
    }
}
