package net.jettymemcached.it;

import java.util.Map;

import net.jettymemcached.it.harness.JettyBase;
import net.jettymemcached.it.harness.JettyProcess;
import net.jettymemcached.sessions.http.SessionClient;
import net.jettymemcached.sessions.testing.MemcachedNodes;
import org.junit.jupiter.api.Test;

import static net.jettymemcached.it.harness.StoredSession.awaitCopies;
import static net.jettymemcached.sessions.http.SessionClient.node;
import static net.jettymemcached.sessions.http.SessionClient.random;
import static net.jettymemcached.sessions.http.SessionClient.worker;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scenarios b and e, sticky mode (the default): a session survives the crash of the Jetty that served it (another
 * Jetty takes it over from memcached) and a restart of a Jetty.
 */
class StickyJettyFailoverTest extends BlackBoxTest
{
    @Test
    void killedJettysSessionsAreServedByAnotherJetty() throws Exception
    {
        MemcachedNodes nodes = memcached(3);
        Map<String, String> ini = Map.of("jetty.session.memcached.nodes", nodes.nodesProperty());
        JettyProcess a = jetty(base("sticky-a", "ee11", ini), "wA");
        JettyProcess b = jetty(base("sticky-b", "ee11", ini), "wB");

        SessionClient client = new SessionClient();
        SessionClient.Reply created = client.get(a, "/app/set?name=color&value=blue");
        assertEquals(200, created.status(), created.body());
        assertEquals("wA", created.value("worker"));
        client.get(a, "/app/incr");
        assertEquals("2", client.get(a, "/app/incr").attr("counter"));
        String cookieOnA = client.cookie();
        assertTrue(cookieOnA.matches("[A-Za-z0-9_]+-n[123]\\.wA"), cookieOnA);

        awaitCopies(nodes, client.cookie(), "counter", 2); // backupAsync=true: written just after the response
        a.kill9();

        SessionClient.Reply onB = client.get(b, "/app/get");
        assertEquals("wB", onB.value("worker"));
        assertEquals("blue", onB.attr("color"), onB.body());
        assertEquals("2", onB.attr("counter"), onB.body());
        assertEquals("false", onB.value("new"), onB.body());
        assertTrue(onB.setCookie().isPresent(), "B must send the cookie with its worker name: " + onB);
        String cookieOnB = onB.setCookie().get();
        assertEquals(random(cookieOnA), random(cookieOnB));
        assertEquals(node(cookieOnA), node(cookieOnB));
        assertEquals("wB", worker(cookieOnB));

        assertEquals("3", client.get(b, "/app/incr").attr("counter"));
        assertEquals("3", client.get(b, "/app/get").attr("counter"));
    }

    @Test
    void sessionsSurviveAJettyRestart() throws Exception
    {
        MemcachedNodes nodes = memcached(3);
        JettyBase base = base("restart", "ee11", Map.of("jetty.session.memcached.nodes", nodes.nodesProperty()));
        JettyProcess first = jetty(base, "wA");

        SessionClient client = new SessionClient();
        client.get(first, "/app/set?name=color&value=green");
        assertEquals("1", client.get(first, "/app/incr").attr("counter"));
        String cookie = client.cookie();
        first.stop(); // graceful: pending asynchronous writes are flushed

        JettyProcess second = jetty(base, "wA");
        SessionClient.Reply reply = client.get(second, "/app/get");
        assertEquals("green", reply.attr("color"), reply.body());
        assertEquals("1", reply.attr("counter"), reply.body());
        assertEquals("false", reply.value("new"), reply.body());
        assertEquals(cookie, client.cookie(), "same worker, same id: the cookie stays");
        assertEquals("2", client.get(second, "/app/incr").attr("counter"));
    }

    @Test
    void aJettyDoesNotServeItsStaleCopyAfterAnotherJettyChangedTheSession() throws Exception
    {
        MemcachedNodes nodes = memcached(2);
        Map<String, String> ini = Map.of("jetty.session.memcached.nodes", nodes.nodesProperty());
        JettyProcess a = jetty(base("stale-a", "ee11", ini), "wA");
        JettyProcess b = jetty(base("stale-b", "ee11", ini), "wB");

        SessionClient client = new SessionClient();
        assertEquals("1", client.get(a, "/app/incr").attr("counter"));
        awaitCopies(nodes, client.cookie(), "counter", 1);
        assertEquals("2", client.get(b, "/app/incr").attr("counter")); // the balancer moved us to B
        assertEquals("wB", worker(client.cookie()));
        awaitCopies(nodes, client.cookie(), "counter", 2);

        SessionClient.Reply backOnA = client.get(a, "/app/get"); // ... and back to A, which still holds counter=1
        assertEquals("2", backOnA.attr("counter"), backOnA.body());
        assertEquals("wA", worker(client.cookie()));
    }
}
