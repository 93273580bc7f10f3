package net.jettymemcached.sessions.http;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import net.jettymemcached.sessions.MemcachedCluster;
import net.jettymemcached.sessions.testing.MemcachedNodes;
import org.eclipse.jetty.ee11.servlet.SessionHandler;
import org.eclipse.jetty.util.component.LifeCycle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The module's parts are beans of the server: {@code Server.dump()} shows them, and they live as long as the contexts. */
class ServerDumpHttpTest
{
    private MemcachedNodes nodes;
    private JettyNode jetty;

    @BeforeEach
    void start() throws Exception
    {
        nodes = MemcachedNodes.start(2);
        jetty = JettyNode.start("w1", nodes.nodesProperty(), c ->
        {
            c.setSticky(false);
            c.setLockingMode("all");
        });
    }

    @AfterEach
    void stop() throws Exception
    {
        jetty.close();
        nodes.close();
    }

    @Test
    void dumpListsTheClustersParts() throws Exception
    {
        new SessionClient().get(jetty, "/app/incr");
        String dump = jetty.server().dump();
        System.out.println(dump);
        for (String part : List.of("MemcachedCluster@", "NodeClients@", "NodeClient[n1", "NodeClient[n2", "NodeHealth@", "Placement@",
            "SessionReplicas@", "AsyncSessionWriter@", "RequestLocking@", "MemcachedSessionStatistics@", "RequestsInFlight@",
            "MemcachedSessionIdManager@", "MemcachedSessionDataStoreFactory@", "NonStickySessionCacheFactory@",
            "NonStickySessionCache@", "MemcachedSessionDataStore@"))
            assertTrue(dump.contains(part), "Server.dump() should show " + part);
        assertTrue(dump.contains("live=[n1 n2]"), "node states in the dump");
        assertEquals(1, jetty.server().getContainedBeans(MemcachedCluster.class).size(), "found through the bean tree");
    }

    @Test
    void theClusterStopsAfterTheContextsSessions() throws Exception
    {
        List<String> stopped = new CopyOnWriteArrayList<>();
        MemcachedCluster cluster = jetty.cluster();
        SessionHandler sessions = jetty.server().getDescendant(SessionHandler.class);
        cluster.addEventListener(new LifeCycle.Listener()
        {
            @Override
            public void lifeCycleStopped(LifeCycle event)
            {
                stopped.add("cluster");
            }
        });
        sessions.addEventListener(new LifeCycle.Listener()
        {
            @Override
            public void lifeCycleStopped(LifeCycle event)
            {
                stopped.add("sessions");
            }
        });
        jetty.server().stop();
        assertEquals(List.of("sessions", "cluster"), stopped, "a context writes its sessions when it stops, so the clients must still be open");
    }
}
