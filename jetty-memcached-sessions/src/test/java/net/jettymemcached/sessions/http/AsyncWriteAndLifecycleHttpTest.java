package net.jettymemcached.sessions.http;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import net.jettymemcached.sessions.codec.JavaAttributeCodec;
import net.jettymemcached.sessions.format.SessionEnvelope;
import net.jettymemcached.sessions.format.StoredValue;
import net.jettymemcached.sessions.store.SessionKeys;
import net.jettymemcached.sessions.testing.Await;
import net.jettymemcached.sessions.testing.MemcachedNodes;
import org.eclipse.jetty.session.SessionData;
import net.jettymemcached.sessions.testing.MemcachedProcess;
import net.jettymemcached.sessions.testing.MemcachedTextClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code backupAsync=true}: requests do not wait for memcached, a newer write of a session supersedes a queued one,
 * and the newest value reaches memcached. Also: stopping Jetty leaves no thread of ours or spymemcached's running.
 */
class AsyncWriteAndLifecycleHttpTest
{
    private MemcachedNodes nodes;
    private JettyNode w1;

    @BeforeEach
    void start() throws Exception
    {
        nodes = MemcachedNodes.start(2);
    }

    @AfterEach
    void stop() throws Exception
    {
        for (MemcachedProcess node : nodes.all())
        {
            if (node.isRunning())
                node.resume();
        }
        if (w1 != null)
            w1.close();
        nodes.close();
    }

    @Test
    void asyncWritesDoNotHoldRequestsAndTheNewestValueWins() throws Exception
    {
        // A long operation timeout makes a synchronous write to a hung node take 3 s.
        w1 = JettyNode.start("w1", nodes.nodesProperty(), c ->
        {
            c.setBackupAsync(true);
            c.setOperationTimeoutMillis(3000);
            c.setNodeProbeIntervalMillis(600_000);
        });
        SessionClient browser = new SessionClient();
        String cookie = browser.get(w1, "/app/incr").setCookie().orElseThrow();
        assertTrue(w1.cluster().writer().flush(5000));
        String id = cookie.substring(0, cookie.lastIndexOf('.'));
        String primary = id.substring(id.lastIndexOf('-') + 1);
        MemcachedProcess primaryNode = nodes.node(primary);

        primaryNode.pause();
        for (int i = 2; i <= 6; i++)
        {
            SessionClient.Reply reply = browser.get(w1, "/app/incr");
            assertEquals(String.valueOf(i), reply.value("counter"));
            assertTrue(reply.millis() < 1500, "request " + i + " waited for the hung node: " + reply.millis() + " ms");
        }
        assertTrue(w1.cluster().statistics().getAsyncWritesSuperseded() >= 1, w1.cluster().statistics().toString());

        // The node answers again before the operation timeout: the blocked write completes, then the newest.
        primaryNode.resume();
        assertTrue(w1.cluster().writer().flush(10_000), "queue drained");
        try (MemcachedTextClient onPrimary = MemcachedTextClient.of(primaryNode))
        {
            byte[] stored = onPrimary.get(new SessionKeys("", "_", "0.0.0.0").primary(id));
            assertTrue(stored != null, "primary written");
            SessionData data = new SessionEnvelope(new JavaAttributeCodec()).decode(StoredValue.parse(stored).envelope(), new SessionData(id, "_", "0.0.0.0", 0, 0, 0, 0));
            assertEquals(6, data.getAttribute("counter"), "the newest write reached memcached");
        }
    }

    @Test
    void stoppingJettyLeavesNoMemcachedThreads() throws Exception
    {
        Set<String> before = memcachedThreads();
        w1 = JettyNode.start("w1", nodes.nodesProperty(), c -> c.setBackupAsync(true));
        new SessionClient().get(w1, "/app/incr");
        assertTrue(memcachedThreads().size() > before.size(), "clients are running: " + memcachedThreads());
        w1.close();
        w1 = null;
        Await.await("the memcached threads to end", AsyncWriteAndLifecycleHttpTest::memcachedThreads, before::equals, Duration.ofSeconds(5));
        assertEquals(before, memcachedThreads(), "threads left after Jetty stopped");
    }

    private static Set<String> memcachedThreads()
    {
        List<String> markers = List.of("Memcached IO", "memcached-sessions", "FutureNotifyListener", "Memcached");
        return Thread.getAllStackTraces().keySet().stream()
            .filter(Thread::isAlive)
            .map(t -> t.getName() + "#" + t.getId())
            .filter(name -> markers.stream().anyMatch(name::contains))
            .collect(Collectors.toSet());
    }
}
