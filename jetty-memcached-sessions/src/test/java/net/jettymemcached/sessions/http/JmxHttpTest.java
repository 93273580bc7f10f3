package net.jettymemcached.sessions.http;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import net.jettymemcached.sessions.testing.Await;
import net.jettymemcached.sessions.testing.MemcachedNodes;
import org.eclipse.jetty.jmx.MBeanContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The node states and counters are visible over JMX, as with Jetty's {@code jmx} module. */
class JmxHttpTest
{
    private final MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
    private MemcachedNodes nodes;
    private JettyNode jetty;

    @BeforeEach
    void start() throws Exception
    {
        nodes = MemcachedNodes.start(2);
        jetty = JettyNode.start("w1", nodes.nodesProperty(), c -> {});
        jetty.server().addBean(new MBeanContainer(mbeans));
    }

    @AfterEach
    void stop() throws Exception
    {
        jetty.close();
        nodes.close();
    }

    private ObjectName only(String pattern) throws Exception
    {
        Set<ObjectName> names = mbeans.queryNames(new ObjectName(pattern), null);
        assertEquals(1, names.size(), pattern + " -> " + names);
        return names.iterator().next();
    }

    private Object attribute(ObjectName name, String attribute)
    {
        try
        {
            return mbeans.getAttribute(name, attribute);
        }
        catch (Exception x)
        {
            throw new IllegalStateException(name + " " + attribute, x);
        }
    }

    @Test
    void nodesAndCountersAreManagedAttributes() throws Exception
    {
        new SessionClient().get(jetty, "/app/incr");
        // the request-end write may land just after the response
        Await.await("the session write", () -> jetty.cluster().statistics().getWrites() >= 1, Duration.ofSeconds(5));

        ObjectName cluster = only("net.jettymemcached.sessions:type=memcachedcluster,*");
        assertEquals("n1 n2", mbeans.getAttribute(cluster, "liveNodes"));
        assertEquals("", mbeans.getAttribute(cluster, "downNodes"));

        ObjectName counters = only("net.jettymemcached.sessions.stats:type=memcachedsessionstatistics,*");
        assertTrue((Long)mbeans.getAttribute(counters, "writes") >= 1);
        assertTrue((Long)mbeans.getAttribute(counters, "bytesWritten") > 0);
        assertEquals(0L, mbeans.getAttribute(counters, "writeFailures"));

        nodes.node("n2").kill9();
        Await.await("downNodes to be n2", () -> attribute(cluster, "downNodes"), "n2"::equals, Duration.ofSeconds(5));
        assertEquals("n2", mbeans.getAttribute(cluster, "downNodes"));
        assertFalse(((String)mbeans.getAttribute(cluster, "liveNodes")).contains("n2"));
    }
}
