package net.jettymemcached.it;

import java.util.Map;

import net.jettymemcached.it.harness.JettyProcess;
import net.jettymemcached.sessions.http.SessionClient;
import net.jettymemcached.sessions.testing.MemcachedNodes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static net.jettymemcached.it.harness.StoredSession.awaitCopies;
import static net.jettymemcached.sessions.http.SessionClient.node;
import static net.jettymemcached.sessions.http.SessionClient.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Scenario d: kill -9 of the memcached node that holds a session. Once the node is seen down, the next response
 * moves the session to the next node (same random part, new node in the cookie) with its data, and another Jetty
 * finds it there.
 */
class MemcachedFailoverTest extends BlackBoxTest
{
    @ParameterizedTest(name = "sticky={0}")
    @ValueSource(booleans = {true, false})
    void sessionMovesToTheNextNodeWhenItsNodeDies(boolean sticky) throws Exception
    {
        MemcachedNodes nodes = memcached(3);
        Map<String, String> ini = Map.of(
            "jetty.session.memcached.nodes", nodes.nodesProperty(),
            "jetty.session.memcached.sticky", String.valueOf(sticky),
            "jetty.session.memcached.operationTimeout.millis", "500",
            "jetty.session.memcached.nodeProbeInterval.millis", "200");
        JettyProcess a = jetty(base("failover-a", "ee11", ini), "wA");
        JettyProcess b = jetty(base("failover-b", "ee11", ini), "wB");

        SessionClient client = new SessionClient();
        client.get(a, "/app/set?name=color&value=red");
        assertEquals("1", client.get(a, "/app/incr").attr("counter"));
        String before = client.cookie();
        String primary = node(before);
        String next = "n" + (Integer.parseInt(primary.substring(1)) % 3 + 1);
        awaitCopies(nodes, before, "counter", 1); // sticky: let the asynchronous copy reach memcached before the crash

        nodes.node(primary).kill9();

        SessionClient.Reply moved = poll(() -> client.get(a, "/app/get"), reply ->
        {
            if (reply.status() != 200)
                fail("request failed while node " + primary + " is down: " + reply);
            return reply.setCookie().isPresent() && !node(reply.setCookie().get()).equals(primary);
        }, "the session to leave node " + primary);
        String after = moved.setCookie().get();
        assertEquals(random(before), random(after), "the random part must not change");
        assertEquals(next, node(after), "the session moves to the node after " + primary);
        assertEquals("red", moved.attr("color"), moved.body());
        assertEquals("1", moved.attr("counter"), moved.body());
        assertEquals("false", moved.value("new"), moved.body());

        assertEquals("2", client.get(a, "/app/incr").attr("counter"));
        awaitCopies(nodes, client.cookie(), "counter", 2);
        SessionClient.Reply onB = client.get(b, "/app/get");
        assertEquals("red", onB.attr("color"), onB.body());
        assertEquals("2", onB.attr("counter"), onB.body());
        assertEquals(next, node(client.cookie()));
    }
}
