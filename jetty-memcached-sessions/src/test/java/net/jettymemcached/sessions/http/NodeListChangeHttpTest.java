package net.jettymemcached.sessions.http;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import net.jettymemcached.sessions.MemcachedSessionsConfig;
import net.jettymemcached.sessions.testing.Await;
import net.jettymemcached.sessions.testing.MemcachedNodes;
import net.jettymemcached.sessions.testing.MemcachedProcess;
import net.jettymemcached.sessions.testing.MemcachedTextClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Changing the node list (README "Changing the node list"): a session whose id names a node that is not configured
 * any more, or not yet, keeps its data, moves to a configured node with a new cookie, and a Jetty that still has the
 * old list follows it there instead of serving the copy it left behind.
 */
class NodeListChangeHttpTest
{
    private MemcachedNodes nodes;
    private JettyNode w1;
    private JettyNode w2;

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

    /** n2 is gone: removed from {@code nodes} and listed in {@code retiredNodes} by id; its sessions are read from their backups. */
    @Test
    void aNodeRemovedFromTheListLosesNoSessionItsSessionsAreReadFromTheirBackups() throws Exception
    {
        nodes = MemcachedNodes.start(3);
        w1 = JettyNode.start("w1", nodes.nodesProperty(), c -> c.setSticky(true));
        SessionClient first = sessionOn(w1, "n2", "colour", "blue");
        SessionClient second = sessionOn(w1, "n2", "colour", "green");
        awaitBackup(first, "n3");
        awaitBackup(second, "n3");
        w1.close();

        try (LogCapture log = new LogCapture())
        {
            nodes.node("n2").kill9();
            w1 = JettyNode.start("w1", list("n1", "n3"), c ->
            {
                c.setSticky(true);
                c.setRetiredNodes("n2");
            });
            String random = SessionClient.random(first.cookie());
            SessionClient.Reply reply = first.get(w1, "/app/get");
            assertEquals(200, reply.status(), reply.toString());
            assertEquals("blue", reply.value("colour"), "the session, from its backup on n3: " + reply);
            assertTrue(reply.setCookie().isPresent(), "a new cookie in the same response");
            assertEquals(random + "-n1", clusterId(first.cookie()), "moved to the first configured node");
            assertEquals("green", second.get(w1, "/app/get").value("colour"));
            assertEquals("n1", SessionClient.node(second.cookie()));
            assertEquals("blue", first.get(w1, "/app/get").value("colour"), "and from then on served where it lives now");
            List<String> lines = log.lines().stream().filter(l -> l.contains("memcached node n2 is retired")).toList();
            assertEquals(1, lines.size(), "logged once for the node, not once per session: " + lines);
        }
        assertEquals(2, w1.cluster().statistics().getRelocations());
    }

    /**
     * A node removed from {@code nodes} but not listed in {@code retiredNodes}: its ids cannot be told from forged ones
     * (which never reach memcached), so the request gets a new session, and the log says once what to do.
     */
    @Test
    void aNodeRemovedWithoutBeingListedAsRetiredIsLoggedOnceWithWhatToDo() throws Exception
    {
        nodes = MemcachedNodes.start(3);
        w1 = JettyNode.start("w1", nodes.nodesProperty(), c -> c.setSticky(true));
        SessionClient first = sessionOn(w1, "n2", "colour", "blue");
        SessionClient second = sessionOn(w1, "n2", "colour", "green");
        w1.close();
        try (LogCapture log = new LogCapture())
        {
            w1 = JettyNode.start("w1", list("n1", "n3"), c -> c.setSticky(true));
            assertNull(first.get(w1, "/app/get").value("colour"), "a new session");
            assertNull(second.get(w1, "/app/get").value("colour"));
            List<String> lines = log.lines().stream().filter(l -> l.contains("names memcached node n2")).toList();
            assertEquals(1, lines.size(), "logged once for the node: " + lines);
            assertTrue(lines.get(0).contains("list it in jetty.session.memcached.retiredNodes"), lines.get(0));
        }
    }

    /**
     * Removing a running node in a rolling restart: the restarted Jetty lists it in {@code retiredNodes} with its
     * address, so it reads the session's primary copy there and leaves a tombstone; a Jetty not yet restarted, which
     * still places sessions on n2, then follows the session to where it moved instead of serving the copy on n2.
     */
    @Test
    void aRetiredNodeStillRunningHandsItsSessionsOverAndAJettyWithTheOldListFollowsThem() throws Exception
    {
        nodes = MemcachedNodes.start(3);
        w1 = JettyNode.start("w1", nodes.nodesProperty(), nonSticky());
        w2 = JettyNode.start("w2", list("n1", "n3"), nonSticky().andThen(c -> c.setRetiredNodes(address("n2"))));
        SessionClient browser = sessionOn(w1, "n2", "step", "1");
        String oldCookie = browser.cookie();
        String oldId = clusterId(oldCookie);

        SessionClient.Reply moved = browser.get(w2, "/app/set?name=step&value=2");
        assertEquals(200, moved.status(), moved.toString());
        assertEquals(SessionClient.random(oldCookie) + "-n1", clusterId(browser.cookie()), "moved off the retired node: " + moved);
        assertEquals("2", browser.get(w2, "/app/get").value("step"));
        try (MemcachedTextClient n2 = MemcachedTextClient.of(nodes.node("n2")))
        {
            assertTrue(n2.contains(StickyFailoverHttpTest.key(oldId)), "a tombstone is left on n2");
        }

        SessionClient oldTab = new SessionClient();
        oldTab.setCookie(oldCookie);
        SessionClient.Reply reply = oldTab.get(w1, "/app/get");
        assertEquals("2", reply.value("step"), "the Jetty with the old list follows the session, it does not serve the copy left on n2: " + reply);
        assertEquals(clusterId(browser.cookie()), reply.value("id"));
        assertEquals(200, oldTab.get(w1, "/app/set?name=step&value=3").status());
        assertEquals("3", browser.get(w2, "/app/get").value("step"), "a write through the old list lands on the moved session");
    }

    /**
     * Adding a node in two steps: first every Jetty learns it as retired (with its address: sessions that reach
     * it are read there and moved off), then it joins {@code nodes}. A Jetty still in the first step moves a session
     * made on the new node to a node it uses, and the Jetty that made it follows.
     */
    @Test
    void aNodeAddedInTwoStepsNeverLosesTheSessionsPlacedOnItWhileTheJettysDisagree() throws Exception
    {
        nodes = MemcachedNodes.start(3);
        w1 = JettyNode.start("w1", list("n1", "n2"), nonSticky().andThen(c -> c.setRetiredNodes(address("n3"))));
        w2 = JettyNode.start("w2", nodes.nodesProperty(), nonSticky());
        SessionClient browser = sessionOn(w2, "n3", "cart", "book");
        String oldCookie = browser.cookie();

        SessionClient.Reply reply = browser.get(w1, "/app/get");
        assertEquals("book", reply.value("cart"), reply.toString());
        assertEquals(SessionClient.random(oldCookie) + "-n1", clusterId(browser.cookie()));

        SessionClient oldTab = new SessionClient();
        oldTab.setCookie(oldCookie);
        SessionClient.Reply followed = oldTab.get(w2, "/app/get");
        assertEquals("book", followed.value("cart"), followed.toString());
        assertEquals(clusterId(browser.cookie()), followed.value("id"), "w2 follows the move");
        assertFalse(w1.cluster().placement().nodes().contains("n3"), "no session was placed on n3 by w1");
    }

    private static Consumer<MemcachedSessionsConfig> nonSticky()
    {
        return c -> c.setSticky(false);
    }

    private String list(String... ids)
    {
        StringBuilder list = new StringBuilder();
        for (String id : ids)
            list.append(list.length() == 0 ? "" : " ").append(address(id));
        return list.toString();
    }

    private String address(String id)
    {
        MemcachedProcess node = nodes.node(id);
        return id + ":" + node.host() + ":" + node.port();
    }

    /** New sessions go to a random live node: made until one lands on {@code node}. */
    private static SessionClient sessionOn(JettyNode jetty, String node, String name, String value) throws Exception
    {
        for (int attempt = 0; attempt < 200; attempt++)
        {
            SessionClient browser = new SessionClient();
            SessionClient.Reply reply = browser.get(jetty, "/app/set?name=" + name + "&value=" + value);
            assertEquals(200, reply.status(), reply.toString());
            if (SessionClient.node(browser.cookie()).equals(node))
                return browser;
        }
        throw new AssertionError("no new session landed on " + node + " in 200 tries");
    }

    private void awaitBackup(SessionClient browser, String node)
    {
        String id = clusterId(browser.cookie());
        Await.await("the backup of " + id + " on " + node, () ->
        {
            try (MemcachedTextClient client = MemcachedTextClient.of(nodes.node(node)))
            {
                return client.contains(StickyFailoverHttpTest.backupKey(id));
            }
        }, Duration.ofSeconds(5));
    }

    private static String clusterId(String cookie)
    {
        return cookie.substring(0, cookie.lastIndexOf('.'));
    }
}
