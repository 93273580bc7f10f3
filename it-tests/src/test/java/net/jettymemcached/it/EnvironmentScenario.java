package net.jettymemcached.it;

import java.io.IOException;
import java.util.Map;

import net.jettymemcached.it.harness.JettyBase;
import net.jettymemcached.it.harness.JettyProcess;
import net.jettymemcached.sessions.http.SessionClient;
import net.jettymemcached.sessions.testing.MemcachedNodes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static net.jettymemcached.it.harness.StoredSession.awaitCopies;
import static net.jettymemcached.sessions.http.SessionClient.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same webapp scenario under one servlet environment ({@code <env>-deploy}, the environment's test war): a session
 * moves between two Jettys, sticky (the Jetty that served it is killed, the other one takes it over from memcached)
 * and non-sticky (requests alternate and each sees the previous one's write). The two bases are made once per class;
 * each test starts its Jettys in parallel, with its memcached nodes and mode on the command line.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class EnvironmentScenario extends BlackBoxTest
{
    private JettyBase baseA;
    private JettyBase baseB;

    /** @return {@code ee8}, {@code ee9}, {@code ee10} or {@code ee11} */
    abstract String environment();

    @BeforeAll
    void createBases() throws IOException
    {
        baseA = base(environment() + "-a", environment(), Map.of());
        baseB = base(environment() + "-b", environment(), Map.of());
    }

    @Test
    void stickySessionMovesToTheOtherJettyWhenItsJettyDies() throws Exception
    {
        MemcachedNodes nodes = memcached(2);
        JettyProcess[] jettys = startBoth("jetty.session.memcached.nodes=" + nodes.nodesProperty());
        JettyProcess a = jettys[0];
        JettyProcess b = jettys[1];
        assertModuleClassesHiddenFrom(a);

        SessionClient client = new SessionClient();
        client.get(a, "/app/set?name=color&value=purple");
        assertEquals("1", client.get(a, "/app/incr").attr("counter"));
        awaitCopies(nodes, client.cookie(), "counter", 1); // backupAsync=true: written just after the response
        a.kill9();

        SessionClient.Reply onB = client.get(b, "/app/incr");
        assertEquals("purple", onB.attr("color"), onB.body());
        assertEquals("2", onB.attr("counter"), onB.body());
        assertEquals("false", onB.value("new"), onB.body());
        assertTrue(client.cookie().endsWith(".wB"), client.cookie());
    }

    @Test
    void nonStickyRequestsAlternateBetweenTwoJettys() throws Exception
    {
        MemcachedNodes nodes = memcached(2);
        JettyProcess[] jettys = startBoth("jetty.session.memcached.nodes=" + nodes.nodesProperty(), "jetty.session.memcached.sticky=false");

        SessionClient client = new SessionClient();
        client.get(jettys[0], "/app/set?name=color&value=teal");
        String random = random(client.cookie());
        for (int i = 1; i <= 6; i++)
        {
            SessionClient.Reply reply = client.get(jettys[i % 2], "/app/incr");
            assertEquals(String.valueOf(i), reply.attr("counter"), "request " + i + " on " + reply.value("worker") + ": " + reply.body());
            assertEquals("teal", reply.attr("color"), reply.body());
            assertEquals(random, random(client.cookie()));
        }
    }

    /** Starts wA on base A and wB on base B at once, waits for both, and checks the environment deployed the war. */
    private JettyProcess[] startBoth(String... args) throws IOException
    {
        JettyProcess a = closeAfterTest(baseA.start("wA", args));
        JettyProcess b = closeAfterTest(baseB.start("wB", args));
        String started = "Started oeje" + environment().substring(2); // e.g. Started oeje8n.ContextHandler$CoreContextHandler@..{..,/app,
        for (JettyProcess jetty : new JettyProcess[]{a.awaitStarted(), b.awaitStarted()})
            assertTrue(jetty.output().lines().anyMatch(line -> line.contains(started) && line.contains(",/app,")), "the webapp must be deployed by " + environment() + ":\n" + jetty.output());
        return new JettyProcess[]{a, b};
    }
}
