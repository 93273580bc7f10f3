package net.jettymemcached.sessions.http;

import net.jettymemcached.sessions.format.EnvelopeInspector;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sticky mode over real HTTP against embedded Jettys and three real memcached nodes: id format, key placement,
 * failover of a primary or backup node, a restarted (empty) node, all nodes down, and a session moving between
 * workers.
 */
class StickyFailoverHttpTest
{
    private static final Pattern COOKIE = Pattern.compile("^([A-Za-z0-9_]+)-(n[0-9]+)\\.(w[0-9]+)$");
    private static final List<String> ORDER = List.of("n1", "n2", "n3");
    /** Context "/" (canonical "_"), no virtual host. */
    private static final SessionKeys KEYS = new SessionKeys("", "_", "0.0.0.0");

    private MemcachedNodes nodes;
    private JettyNode w1;
    private JettyNode w2;

    @BeforeEach
    void start() throws Exception
    {
        nodes = MemcachedNodes.start(3);
        w1 = JettyNode.start("w1", nodes.nodesProperty(), c -> c.setSticky(true));
    }

    @AfterEach
    void stop() throws Exception
    {
        if (w2 != null)
            w2.close();
        if (w1 != null)
            w1.close();
        if (nodes != null)
            nodes.close();
    }

    static String key(String clusterId)
    {
        return KEYS.primary(clusterId);
    }

    static String backupKey(String clusterId)
    {
        return KEYS.backup(clusterId);
    }

    static String next(String node)
    {
        return ORDER.get((ORDER.indexOf(node) + 1) % ORDER.size());
    }

    private MemcachedTextClient client(String nodeId)
    {
        return MemcachedTextClient.of(nodes.node(nodeId));
    }

    private static Matcher parse(String cookie)
    {
        Matcher m = COOKIE.matcher(cookie);
        assertTrue(m.matches(), "cookie " + cookie + " does not match " + COOKIE);
        return m;
    }

    private static String clusterId(String cookie)
    {
        return cookie.substring(0, cookie.lastIndexOf('.'));
    }

    private void awaitLive(JettyNode jetty, String nodeId, boolean live)
    {
        Await.await("node " + nodeId + (live ? " seen live" : " seen down") + " by " + jetty, () -> jetty.cluster().health().isLive(nodeId) == live, Duration.ofSeconds(5));
        assertEquals(live, jetty.cluster().health().isLive(nodeId), "node " + nodeId + " live state seen by " + jetty);
    }

    @Test
    void newSessionIsStoredOnItsNodeWithBackupOnTheNext() throws Exception
    {
        SessionClient browser = new SessionClient();
        SessionClient.Reply reply = browser.get(w1, "/app/set?name=colour&value=blue");
        assertEquals(200, reply.status());
        String cookie = reply.setCookie().orElseThrow();
        Matcher m = parse(cookie);
        assertEquals("w1", m.group(3));
        String primary = m.group(2);
        String id = clusterId(cookie);
        try (MemcachedTextClient onPrimary = client(primary); MemcachedTextClient onBackup = client(next(primary)))
        {
            assertTrue(onPrimary.contains(key(id)), "primary key on " + primary + ": " + onPrimary.keys());
            assertTrue(onBackup.contains(backupKey(id)), "backup key on " + next(primary) + ": " + onBackup.keys());
            assertFalse(onPrimary.contains(backupKey(id)));
            assertFalse(onBackup.contains(key(id)));
        }
        String third = next(next(primary));
        try (MemcachedTextClient other = client(third))
        {
            assertTrue(other.keys().isEmpty(), "nothing on " + third + ": " + other.keys());
        }
        assertEquals("blue", browser.get(w1, "/app/get").value("colour"));
    }

    @Test
    void killingThePrimaryMovesTheSessionToTheBackupNodeWithANewCookie() throws Exception
    {
        SessionClient browser = new SessionClient();
        String cookie = browser.get(w1, "/app/set?name=colour&value=blue").setCookie().orElseThrow();
        browser.get(w1, "/app/incr");
        Matcher before = parse(cookie);
        String primary = before.group(2);

        nodes.node(primary).kill9();
        awaitLive(w1, primary, false);

        SessionClient.Reply reply = browser.get(w1, "/app/get");
        assertEquals(200, reply.status());
        String moved = reply.setCookie().orElseThrow(() -> new AssertionError("no Set-Cookie after the primary died"));
        Matcher after = parse(moved);
        assertEquals(before.group(1), after.group(1), "random part kept");
        assertEquals(next(primary), after.group(2), "moved to the backup's node");
        assertEquals("blue", reply.value("colour"));
        assertEquals("1", reply.value("counter"));
        assertEquals(clusterId(moved), reply.value("id"));

        SessionClient.Reply following = browser.get(w1, "/app/incr");
        assertTrue(following.setCookie().isEmpty(), "the new id is kept: " + following.setCookie());
        assertEquals(clusterId(moved), following.value("id"));
        assertEquals("2", following.value("counter"));
        try (MemcachedTextClient newPrimary = client(next(primary)); MemcachedTextClient newBackup = client(next(next(primary))))
        {
            assertTrue(newPrimary.contains(key(clusterId(moved))), newPrimary.keys().toString());
            assertTrue(EnvelopeInspector.noSession(newPrimary.get(backupKey(clusterId(cookie)))), "old backup replaced by a tombstone: " + newPrimary.keys());
            assertTrue(newBackup.contains(backupKey(clusterId(moved))), newBackup.keys().toString());
        }
        assertEquals(1, w1.cluster().statistics().getRelocations());
    }

    @Test
    void killingTheBackupNodeMovesTheBackupToTheNextLiveNode() throws Exception
    {
        SessionClient browser = new SessionClient();
        String cookie = browser.get(w1, "/app/set?name=colour&value=blue").setCookie().orElseThrow();
        String primary = parse(cookie).group(2);
        String backup = next(primary);
        String third = next(backup);
        String id = clusterId(cookie);

        nodes.node(backup).kill9();
        awaitLive(w1, backup, false);

        SessionClient.Reply reply = browser.get(w1, "/app/set?name=colour&value=green");
        assertEquals(200, reply.status());
        assertTrue(reply.setCookie().isEmpty(), "id unchanged: the primary is alive");
        try (MemcachedTextClient onPrimary = client(primary); MemcachedTextClient onThird = client(third))
        {
            assertTrue(onThird.contains(backupKey(id)), "backup moved to " + third + ": " + onThird.keys());
            assertTrue(onPrimary.contains(key(id)));
        }
        assertEquals("green", browser.get(w1, "/app/get").value("colour"));
        assertEquals(0, w1.cluster().statistics().getWriteFailures());
    }

    @Test
    void aRestartedEmptyPrimaryIsRestoredFromTheBackupWithoutChangingTheId() throws Exception
    {
        w2 = JettyNode.start("w2", nodes.nodesProperty(), c -> c.setSticky(true));
        SessionClient browser = new SessionClient();
        String cookie = browser.get(w1, "/app/set?name=colour&value=blue").setCookie().orElseThrow();
        String primary = parse(cookie).group(2);
        String id = clusterId(cookie);

        // A restart takes longer than a probe interval: both Jettys notice the node go and come back.
        MemcachedProcess node = nodes.node(primary);
        node.kill9();
        awaitLive(w1, primary, false);
        awaitLive(w2, primary, false);
        node.restart();
        awaitLive(w1, primary, true);
        awaitLive(w2, primary, true);
        try (MemcachedTextClient onPrimary = client(primary))
        {
            assertFalse(onPrimary.contains(key(id)), "restarted node is empty");
        }

        // w2 has no copy in memory: it must find the backup and put the primary back.
        SessionClient.Reply reply = browser.get(w2, "/app/get");
        assertEquals(200, reply.status());
        assertEquals("blue", reply.value("colour"));
        assertEquals(id, reply.value("id"), "same cluster id");
        assertEquals(id + ".w2", reply.setCookie().orElseThrow(), "only the worker suffix changes");
        assertEquals(1, w2.cluster().statistics().getBackupLoads());
        try (MemcachedTextClient onPrimary = client(primary))
        {
            assertTrue(onPrimary.contains(key(id)), "primary restored: " + onPrimary.keys());
        }

        // w1 still has it in memory and serves it under the same id.
        SessionClient.Reply onW1 = browser.get(w1, "/app/get");
        assertEquals("blue", onW1.value("colour"));
        assertEquals(id, onW1.value("id"));
    }

    @Test
    void withEveryMemcachedDownStickySessionsAreServedFromMemory() throws Exception
    {
        SessionClient browser = new SessionClient();
        String cookie = browser.get(w1, "/app/incr").setCookie().orElseThrow();
        for (MemcachedProcess node : nodes.all())
            node.kill9();
        for (String id : ORDER)
            awaitLive(w1, id, false);

        for (int i = 2; i <= 6; i++)
        {
            SessionClient.Reply reply = browser.get(w1, "/app/incr");
            assertEquals(200, reply.status());
            assertEquals(String.valueOf(i), reply.value("counter"));
            assertEquals(clusterId(cookie), reply.value("id"));
            assertTrue(reply.setCookie().isEmpty(), "id unchanged while nothing is live");
        }
        assertTrue(w1.cluster().statistics().getWriteFailures() >= 5, w1.cluster().statistics().toString());

        // A node comes back: the next request writes the session there (it was marked unsaved).
        MemcachedProcess first = nodes.node(parse(cookie).group(2));
        first.restart();
        awaitLive(w1, first.nodeId(), true);
        SessionClient.Reply reply = browser.get(w1, "/app/get");
        assertEquals("6", reply.value("counter"));
        // An unchanged session is written when the request completes, which may be just after the response.
        try (MemcachedTextClient onNode = MemcachedTextClient.of(first))
        {
            Await.await("the session written to " + first.nodeId(), () -> onNode.contains(key(clusterId(cookie))), Duration.ofSeconds(3));
            assertTrue(onNode.contains(key(clusterId(cookie))), onNode.keys() + " " + w1.cluster().statistics());
        }
    }

    @Test
    void aSessionMovesBetweenWorkersAndNeverServesAStaleCopy() throws Exception
    {
        w2 = JettyNode.start("w2", nodes.nodesProperty(), c -> c.setSticky(true));
        SessionClient browser = new SessionClient();
        String cookie = browser.get(w1, "/app/set?name=colour&value=blue").setCookie().orElseThrow();
        assertTrue(cookie.endsWith(".w1"));
        browser.get(w1, "/app/set?name=colour&value=red");

        SessionClient.Reply onW2 = browser.get(w2, "/app/get");
        assertEquals("red", onW2.value("colour"), "w2 loads w1's latest write");
        String w2Cookie = onW2.setCookie().orElseThrow();
        assertEquals(clusterId(cookie) + ".w2", w2Cookie);

        browser.get(w2, "/app/set?name=colour&value=green");
        SessionClient.Reply backOnW1 = browser.get(w1, "/app/get");
        assertEquals("green", backOnW1.value("colour"), "w1 must not serve its stale cached copy");
        assertEquals(clusterId(cookie) + ".w1", backOnW1.setCookie().orElseThrow());
        assertEquals(clusterId(cookie), backOnW1.value("id"));
    }
}
