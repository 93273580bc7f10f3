package net.jettymemcached.it;

import java.util.Map;

import net.jettymemcached.it.harness.JettyProcess;
import net.jettymemcached.sessions.http.SessionClient;
import net.jettymemcached.sessions.testing.MemcachedNodes;
import org.junit.jupiter.api.Test;

import static net.jettymemcached.sessions.http.SessionClient.random;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Non-sticky mode: requests alternate between two Jettys and each sees the previous write. */
class NonStickyTest extends BlackBoxTest
{
    @Test
    void alternatingRequestsSeeEachOthersWrites() throws Exception
    {
        MemcachedNodes nodes = memcached(3);
        Map<String, String> ini = Map.of(
            "jetty.session.memcached.nodes", nodes.nodesProperty(),
            "jetty.session.memcached.sticky", "false");
        JettyProcess a = jetty(base("non-sticky-a", "ee11", ini), "wA");
        JettyProcess b = jetty(base("non-sticky-b", "ee11", ini), "wB");
        assertModuleClassesHiddenFrom(b);

        SessionClient client = new SessionClient();
        client.get(a, "/app/set?name=color&value=yellow");
        String random = random(client.cookie());
        JettyProcess[] jettys = {a, b};
        for (int i = 1; i <= 10; i++)
        {
            JettyProcess jetty = jettys[i % 2];
            SessionClient.Reply reply = client.get(jetty, "/app/incr");
            assertEquals(String.valueOf(i), reply.attr("counter"), "request " + i + " on " + reply.value("worker") + ": " + reply.body());
            assertEquals("yellow", reply.attr("color"), reply.body());
            assertEquals(random, random(client.cookie()));
        }
    }
}
