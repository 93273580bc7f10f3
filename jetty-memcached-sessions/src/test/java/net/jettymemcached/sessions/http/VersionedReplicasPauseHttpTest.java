package net.jettymemcached.sessions.http;

import java.time.Duration;
import java.util.function.Consumer;

import net.jettymemcached.sessions.MemcachedSessionsConfig;
import net.jettymemcached.sessions.testing.Await;
import net.jettymemcached.sessions.testing.MemcachedNodes;
import net.jettymemcached.sessions.testing.MemcachedProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Spec §3.10 ("of several copies the newest wins; nothing ever replaces a newer copy with an older one ... a node that
 * comes back after a pause"; invalidation and moves are final) in non-sticky mode, with two Jettys (w1, w2) and three
 * memcached nodes n1 n2 n3 in that configured order: the backup of a session on n1 is on n2, of n2 on n3, of n3 on
 * n1. A node is paused with SIGSTOP (it keeps its memory) until both Jettys see it down, later resumed; only what a
 * client sees over HTTP is asserted.
 */
class VersionedReplicasPauseHttpTest
{
    private MemcachedNodes nodes;
    private JettyNode a;
    private JettyNode b;

    @BeforeEach
    void start() throws Exception
    {
        nodes = MemcachedNodes.start(3);
        Consumer<MemcachedSessionsConfig> settings = c ->
        {
            c.setSticky(false);
            c.setLockingMode("none");
            c.setBackupAsync(false);
            c.setOperationTimeoutMillis(300);
            c.setNodeProbeIntervalMillis(200);
        };
        a = JettyNode.start("w1", nodes.nodesProperty(), settings);
        b = JettyNode.start("w2", nodes.nodesProperty(), settings);
    }

    @AfterEach
    void stop() throws Exception
    {
        resumeAll();
        if (b != null)
            b.close();
        if (a != null)
            a.close();
        nodes.close();
    }

    private void resumeAll()
    {
        for (MemcachedProcess node : nodes.all())
        {
            if (node.isRunning())
                node.resume();
        }
    }

    /** The node after {@code node} in configured order n1 n2 n3 (wrapping). */
    private static String next(String node)
    {
        return "n" + (Integer.parseInt(node.substring(1)) % 3 + 1);
    }

    private void awaitSeen(String node, boolean live)
    {
        Await.await("node " + node + " seen " + (live ? "live" : "down") + " by both Jettys",
            () -> a.cluster().health().isLive(node) == live && b.cluster().health().isLive(node) == live, Duration.ofSeconds(10));
    }

    private static int counter(SessionClient.Reply reply)
    {
        assertEquals(200, reply.status(), reply.body());
        String counter = reply.value("counter");
        assertNotNull(counter, "no counter in the reply: " + reply.body());
        return Integer.parseInt(counter);
    }

    private static SessionClient holding(String cookie)
    {
        SessionClient client = new SessionClient();
        client.setCookie(cookie);
        return client;
    }

    /**
     * Situation 5, a stale backup wins: the backup's node nB pauses and is declared down, later writes put the backup on
     * the node after it, nB comes back with its old {@code bak:} copy, then the primary's node restarts empty. The
     * session must be restored from the newest copy.
     */
    @Test
    void aStaleBackupOnANodeThatWasPausedNeverReplacesNewerWrites() throws Exception
    {
        SessionClient browser = new SessionClient();
        for (int i = 1; i <= 3; i++)
            assertEquals(i, counter(browser.get(i % 2 == 0 ? b : a, "/app/incr")));
        String cookie = browser.cookie();
        String primary = SessionClient.node(cookie);
        String backup = next(primary);
        MemcachedProcess backupNode = nodes.node(backup);

        backupNode.pause();
        try
        {
            awaitSeen(backup, false);
            // The backup of these writes goes to the node after nB.
            for (int i = 4; i <= 6; i++)
            {
                SessionClient.Reply reply = browser.get(i % 2 == 0 ? b : a, "/app/incr");
                assertEquals(i, counter(reply));
                assertEquals(primary, SessionClient.node(browser.cookie()), "the session stays on its live primary node");
            }
        }
        finally
        {
            backupNode.resume();
        }
        awaitSeen(backup, true);

        // The primary's node is restarted empty: only backups are left, an old one on nB (3) and the newest after it (6).
        MemcachedProcess primaryNode = nodes.node(primary);
        primaryNode.kill9();
        awaitSeen(primary, false);
        primaryNode.restart();
        awaitSeen(primary, true);

        SessionClient.Reply onA = browser.get(a, "/app/get");
        assertEquals(6, counter(onA), "after the primary restarted empty, the stale backup on " + backup
            + " (written before it was paused) was served instead of the newest copy; reply: " + onA.body());
        assertEquals(6, counter(browser.get(b, "/app/get")), "the other Jetty sees the newest copy too");
        assertEquals(7, counter(browser.get(a, "/app/incr")));
    }

    /**
     * Situation 6, split brain after a pause: the primary's node pauses longer than an operation timeout, a request moves
     * the session to the next node (new cookie, data intact), the user logs out under the new id, the old node comes
     * back. The old cookie must not bring the logged-out session back.
     */
    @Test
    void aLoggedOutSessionIsNotBroughtBackByItsOldNodeAfterAPause() throws Exception
    {
        SessionClient browser = new SessionClient();
        browser.get(a, "/app/set?name=user&value=alice");
        assertEquals(1, counter(browser.get(b, "/app/incr")));
        String oldCookie = browser.cookie();
        String oldNode = SessionClient.node(oldCookie);
        String newNode = next(oldNode);
        MemcachedProcess paused = nodes.node(oldNode);

        paused.pause();
        try
        {
            awaitSeen(oldNode, false);
            SessionClient.Reply moved = browser.get(a, "/app/get");
            assertEquals(200, moved.status(), moved.body());
            String newCookie = moved.setCookie().orElseThrow(() -> new AssertionError("no new cookie after the move: " + moved.body()));
            assertEquals(SessionClient.random(oldCookie), SessionClient.random(newCookie), "same random part");
            assertEquals(newNode, SessionClient.node(newCookie), "moved to the next live node");
            assertEquals("alice", moved.value("user"), "data intact after the move");

            SessionClient.Reply logout = browser.get(b, "/app/invalidate");
            assertEquals(200, logout.status(), logout.body());
            SessionClient.Reply afterLogout = holding(newCookie).get(a, "/app/get");
            assertNull(afterLogout.value("user"), "logged out under the new id: " + afterLogout.body());
        }
        finally
        {
            paused.resume();
        }
        awaitSeen(oldNode, true);

        for (JettyNode jetty : new JettyNode[] {a, b})
        {
            SessionClient.Reply withOldCookie = holding(oldCookie).get(jetty, "/app/get");
            assertEquals(200, withOldCookie.status(), withOldCookie.body());
            assertNull(withOldCookie.value("user"), "the old cookie " + oldCookie + " brought back the logged-out session from "
                + oldNode + " after its pause, on " + jetty.uri("/") + ": " + withOldCookie.body());
            assertNull(withOldCookie.value("counter"), "old session data served again: " + withOldCookie.body());
        }
    }

    /**
     * Situation 10, a stale copy on a paused node comes back: the session's node nP pauses, the session moves to nQ and
     * is incremented many times there, nP comes back with its old copy, then nQ is killed (the session moves on to nR).
     * A client still holding the id that names nP (a tab whose response with the new cookie was lost) reaches nP's
     * copy: the counter it sees must never be lower than the highest value seen before.
     * <p>
     * Placement (liveHome = next live node after the id's node) never routes the moved ids back to nP's old key with
     * a single fault at a time: ...-nQ goes to nR when nQ dies (its backup is on nR), and only nR dying too would send it
     * to nP. So the stale copy is reached through the old cookie, which names nP and is used as is once nP is live.
     */
    @Test
    void aStaleCopyOnAPausedNodeIsNeverServedAfterTheSessionMovedOn() throws Exception
    {
        SessionClient browser = new SessionClient();
        for (int i = 1; i <= 3; i++)
            assertEquals(i, counter(browser.get(i % 2 == 0 ? b : a, "/app/incr")));
        String oldCookie = browser.cookie();
        String p = SessionClient.node(oldCookie);
        String q = next(p);
        String r = next(q);
        MemcachedProcess paused = nodes.node(p);

        int highest;
        paused.pause();
        try
        {
            awaitSeen(p, false);
            SessionClient.Reply moved = browser.get(a, "/app/incr");
            assertEquals(4, counter(moved));
            assertEquals(q, SessionClient.node(browser.cookie()), "moved to the next live node: " + moved.setCookie());
            highest = 4;
            for (int i = 5; i <= 12; i++)
            {
                highest = counter(browser.get(i % 2 == 0 ? b : a, "/app/incr"));
                assertEquals(i, highest);
            }
        }
        finally
        {
            paused.resume();
        }
        awaitSeen(p, true);

        nodes.node(q).kill9();
        awaitSeen(q, false);
        SessionClient.Reply movedOn = browser.get(b, "/app/incr");
        int now = counter(movedOn);
        assertEquals(r, SessionClient.node(browser.cookie()), "moved on to " + r + ": " + movedOn.body());
        assertTrue(now > highest, "the session that moved on from " + q + " lost increments: " + now + " after " + highest);
        highest = now;

        for (JettyNode jetty : new JettyNode[] {a, b})
        {
            SessionClient.Reply stale = holding(oldCookie).get(jetty, "/app/get");
            assertEquals(200, stale.status(), stale.body());
            String shown = stale.value("counter");
            assertTrue(shown == null || Integer.parseInt(shown) >= highest, "the id naming " + p + " (" + oldCookie + ") served the copy "
                + p + " kept through its pause: counter " + shown + " after " + highest + " was seen, on " + jetty.uri("/") + ": " + stale.body());
        }
        assertEquals(highest, counter(browser.get(a, "/app/get")), "the moved session itself is intact");
    }
}
