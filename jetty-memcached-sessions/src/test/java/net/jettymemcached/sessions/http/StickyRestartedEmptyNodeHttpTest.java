package net.jettymemcached.sessions.http;

import java.time.Duration;

import net.jettymemcached.sessions.testing.Await;
import net.jettymemcached.sessions.testing.MemcachedNodes;
import net.jettymemcached.sessions.testing.MemcachedProcess;
import net.jettymemcached.sessions.testing.MemcachedTextClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A node that restarts empty lost copies, it did not end sessions (an ended session leaves a tombstone): a sticky
 * Jetty whose copy no node holds any more keeps serving it from memory and writes it back, instead of taking the
 * missing copy for an ended session and starting a new one.
 */
class StickyRestartedEmptyNodeHttpTest
{
    private MemcachedNodes nodes;
    private JettyNode w1;

    @AfterEach
    void stop() throws Exception
    {
        if (w1 != null)
            w1.close();
        if (nodes != null)
            nodes.close();
    }

    @Test
    void theOnlyNodeRestartedEmptyLosesNoSessionHeldInMemory() throws Exception
    {
        nodes = MemcachedNodes.start(1);
        w1 = JettyNode.start("w1", nodes.nodesProperty(), c ->
        {
            c.setSticky(true);
            c.setStickyRevalidateMillis(0);
        });
        SessionClient browser = new SessionClient();
        String cookie = browser.get(w1, "/app/set?name=colour&value=blue").setCookie().orElseThrow();
        String id = cookie.substring(0, cookie.lastIndexOf('.'));
        MemcachedProcess node = nodes.node(0);
        String nodeId = node.nodeId();

        node.kill9();
        Await.await("w1 to see " + nodeId + " down", () -> !w1.cluster().health().isLive(nodeId), Duration.ofSeconds(5));
        node.restart();
        Await.await("w1 to see " + nodeId + " live", () -> w1.cluster().health().isLive(nodeId), Duration.ofSeconds(5));
        try (MemcachedTextClient client = MemcachedTextClient.of(node))
        {
            assertFalse(client.contains(StickyFailoverHttpTest.key(id)), "the restarted node is empty");
        }

        SessionClient.Reply reply = browser.get(w1, "/app/get");
        assertEquals(200, reply.status(), reply.toString());
        assertEquals(id, reply.value("id"), "the same session");
        assertEquals("blue", reply.value("colour"), "its attribute, from memory");
        Await.await("w1 to write the session back to " + nodeId, () ->
        {
            try (MemcachedTextClient client = MemcachedTextClient.of(node))
            {
                return client.contains(StickyFailoverHttpTest.key(id));
            }
        }, Duration.ofSeconds(5));
        assertEquals("blue", browser.get(w1, "/app/get").value("colour"));
    }
}
