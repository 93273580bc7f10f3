package net.jettymemcached.it;

import java.util.Map;

import net.jettymemcached.it.harness.JettyProcess;
import net.jettymemcached.sessions.http.SessionClient;
import net.jettymemcached.sessions.testing.MemcachedNodes;
import org.junit.jupiter.api.Test;

import static net.jettymemcached.it.harness.StoredSession.awaitCopies;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scenario f: the same Servlet 6.0 war under ee10-deploy; a session moves between two ee10 Jettys. */
class Ee10Test extends BlackBoxTest
{
    @Test
    void sessionsWorkUnderEe10() throws Exception
    {
        MemcachedNodes nodes = memcached(2);
        Map<String, String> ini = Map.of("jetty.session.memcached.nodes", nodes.nodesProperty());
        JettyProcess a = jetty(base("ee10-a", "ee10", ini), "wA");
        JettyProcess b = jetty(base("ee10-b", "ee10", ini), "wB");
        assertTrue(a.output().contains("oeje10w.WebAppContext"), "the webapp must be deployed by ee10:\n" + a.output());

        SessionClient client = new SessionClient();
        client.get(a, "/app/set?name=color&value=purple");
        assertEquals("1", client.get(a, "/app/incr").attr("counter"));
        awaitCopies(nodes, client.cookie(), "counter", 1); // backupAsync=true: written just after the response
        a.kill9();

        SessionClient.Reply onB = client.get(b, "/app/incr");
        assertEquals("purple", onB.attr("color"), onB.body());
        assertEquals("2", onB.attr("counter"), onB.body());
        assertTrue(client.cookie().endsWith(".wB"), client.cookie());
    }
}
