package net.jettymemcached.sessions.http;

import java.time.Duration;

import net.jettymemcached.sessions.testing.Await;
import net.jettymemcached.sessions.testing.MemcachedNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A session whose node died moved to the next node, and that node died too: a request that still carries the
 * first id is led to where the session lives now (its second move starts from the id it moved to, not from the
 * first id, which holds only a tombstone).
 */
class SuccessiveMovesHttpTest
{
    private MemcachedNodes nodes;
    private JettyNode jetty;

    @BeforeEach
    void start() throws Exception
    {
        nodes = MemcachedNodes.start(3);
        jetty = JettyNode.start("w1", nodes.nodesProperty(), c ->
        {
            c.setSticky(false);
            c.setOperationTimeoutMillis(300);
            c.setNodeProbeIntervalMillis(200);
        });
    }

    @AfterEach
    void stop() throws Exception
    {
        if (jetty != null)
            jetty.close();
        nodes.close();
    }

    private static String next(String node)
    {
        return "n" + (Integer.parseInt(node.substring(1)) % 3 + 1);
    }

    private void killAndAwaitDown(String node)
    {
        nodes.node(node).kill9();
        Await.await(node + " seen down", () -> !jetty.cluster().health().isLive(node), Duration.ofSeconds(10));
    }

    @Test
    void anOldIdFindsTheSessionAfterTwoMoves() throws Exception
    {
        SessionClient browser = new SessionClient();
        String first = browser.get(jetty, "/app/set?name=user&value=alice").setCookie().orElseThrow();
        String firstNode = SessionClient.node(first);

        killAndAwaitDown(firstNode);
        SessionClient.Reply moved = browser.get(jetty, "/app/get");
        assertEquals("alice", moved.value("user"), moved.toString());
        assertEquals(next(firstNode), SessionClient.node(browser.cookie()), "moved to the next node");

        killAndAwaitDown(next(firstNode));
        SessionClient oldTab = new SessionClient();
        oldTab.setCookie(first);
        SessionClient.Reply again = oldTab.get(jetty, "/app/get");
        assertEquals(200, again.status(), again.toString());
        assertEquals("alice", again.value("user"), "the first id led to the session after its second move: " + again);
        assertEquals(next(next(firstNode)), SessionClient.node(oldTab.cookie()));
    }
}
