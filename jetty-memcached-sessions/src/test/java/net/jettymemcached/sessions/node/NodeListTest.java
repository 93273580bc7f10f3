package net.jettymemcached.sessions.node;

import java.util.List;
import java.util.stream.Collectors;

import net.jettymemcached.sessions.config.InvalidConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Spec 3.1 and 3.9: the node list syntax and every way it can be wrong. */
class NodeListTest
{
    private static final String NODES = "jetty.session.memcached.nodes";
    private static final String FAILOVER = "jetty.session.memcached.failoverNodes";

    private static List<String> ids(List<MemcachedNode> nodes)
    {
        return nodes.stream().map(MemcachedNode::id).collect(Collectors.toList());
    }

    private static InvalidConfigurationException invalid(String nodes, String failover, String property, String badValue)
    {
        InvalidConfigurationException x = assertThrows(InvalidConfigurationException.class, () -> NodeList.parse(nodes, failover));
        assertEquals(property, x.getProperty());
        assertTrue(x.getMessage().contains(property), () -> "message should name " + property + ": " + x.getMessage());
        assertTrue(x.getMessage().contains(badValue), () -> "message should contain '" + badValue + "': " + x.getMessage());
        return x;
    }

    // ---- valid forms ----

    @Test
    void spaceSeparated()
    {
        NodeList list = NodeList.parse("n1:host1:11211 n2:host2:11212", "");
        assertEquals(List.of(new MemcachedNode("n1", "host1", 11211), new MemcachedNode("n2", "host2", 11212)), list.nodes());
        assertEquals(2, list.size());
        assertFalse(list.isAnonymous());
        assertTrue(list.contains("n1"));
        assertTrue(list.contains("n2"));
        assertFalse(list.contains("n3"));
        assertEquals(new MemcachedNode("n2", "host2", 11212), list.node("n2"));
        assertNull(list.node("n3"));
    }

    @Test
    void commaSeparatedAndMixedWhitespace()
    {
        NodeList comma = NodeList.parse("n1:host1:11211,n2:host2:11212", null);
        assertEquals(List.of("n1", "n2"), ids(comma.nodes()));

        NodeList mixed = NodeList.parse("  n1:host1:11211 ,\tn2:host2:11212,\n n3:10.0.0.3:1  ", "  ");
        assertEquals(List.of("n1", "n2", "n3"), ids(mixed.nodes()));
        assertEquals("10.0.0.3", mixed.node("n3").host());
        assertEquals(1, mixed.node("n3").port());
    }

    @Test
    void idsMayUseLettersDigitsUnderscore()
    {
        NodeList list = NodeList.parse("Mem_1:a:1 X:b:2 node_99:c:3", "");
        assertEquals(List.of("Mem_1", "X", "node_99"), ids(list.nodes()));
    }

    @Test
    void ipv6WithId()
    {
        NodeList list = NodeList.parse("n1:[::1]:11211 n2:[fe80::1]:11212", "");
        MemcachedNode n1 = list.node("n1");
        assertEquals("::1", n1.host());
        assertEquals(11211, n1.port());
        assertEquals("[::1]:11211", n1.hostAndPort());
        assertEquals("fe80::1", list.node("n2").host());
        assertFalse(list.isAnonymous());
    }

    @Test
    void singleAnonymousHostPort()
    {
        NodeList list = NodeList.parse("localhost:11211", "");
        assertTrue(list.isAnonymous());
        assertEquals(1, list.size());
        MemcachedNode node = list.nodes().get(0);
        assertEquals("", node.id());
        assertEquals("localhost", node.host());
        assertEquals(11211, node.port());
        assertEquals(List.of(), list.after(""), "anonymous node has no backup node");
    }

    @Test
    void singleAnonymousIpv6()
    {
        NodeList list = NodeList.parse("[::1]:11211", null);
        assertTrue(list.isAnonymous());
        assertEquals("::1", list.nodes().get(0).host());
        assertEquals(11211, list.nodes().get(0).port());
    }

    @Test
    void singleNodeWithIdIsNotAnonymous()
    {
        NodeList list = NodeList.parse("n1:localhost:11211", "");
        assertFalse(list.isAnonymous());
        assertEquals(List.of(), list.after("n1"), "a single node has no other node for the backup");
    }

    @Test
    void afterWrapsAroundInConfiguredOrder()
    {
        NodeList list = NodeList.parse("n1:a:1 n2:b:2 n3:c:3 n4:d:4", "");
        assertEquals(List.of("n2", "n3", "n4"), ids(list.after("n1")));
        assertEquals(List.of("n3", "n4", "n1"), ids(list.after("n2")));
        assertEquals(List.of("n1", "n2", "n3"), ids(list.after("n4")));
    }

    /** A node that is not configured (removed, retired) may have had its backups on any configured node. */
    @Test
    void afterANodeThatIsNotConfiguredIsEveryConfiguredNodeInOrder()
    {
        NodeList list = NodeList.parse("n1:a:1 n2:b:2", "");
        assertEquals(List.of("n1", "n2"), ids(list.after("n9")), "unknown id");
        assertEquals(List.of("n1", "n2"), ids(list.after("")), "no node id");
        assertEquals(List.of(), NodeList.parse("a:1", "").after(""), "the single node without id has no backup");
    }

    @Test
    void retiredNodesAreReachableWhenListedWithAnAddressButNeverPlaced()
    {
        NodeList list = NodeList.parse("n1:a:1 n3:c:3", "", "n2:b:2, n0");
        assertEquals(List.of("n1", "n3"), ids(list.nodes()));
        assertEquals(List.of("n1", "n3", "n2"), ids(list.reachable()), "n0 has no address");
        assertTrue(list.isRetired("n2"));
        assertTrue(list.isRetired("n0"));
        assertFalse(list.contains("n2"), "no session is placed on a retired node");
        assertEquals("b:2", list.node("n2").hostAndPort());
        assertNull(list.node("n0"));
        assertFalse(list.nodeOrUnknown("n0").hasAddress());
        assertFalse(list.nodeOrUnknown("n7").hasAddress());
        assertEquals(List.of("n1", "n3"), ids(list.after("n2")));
        assertEquals(List.of("n3"), ids(list.after("n1")), "retired nodes hold no backups");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "n1               | node id 'n1' is also in jetty.session.memcached.nodes",
        "n2 n2            | node id 'n2' is listed twice",
        "n2:a:1           | address a:1 is listed twice",
        "n2:b:2 n2        | node id 'n2' is listed twice",
        "n-2              | bad node id 'n-2'",
        "n2:b:x           | bad port 'x'",
        "n2:b             | malformed node 'n2:b'",
    })
    void badRetiredNodesNameTheProperty(String retired, String message)
    {
        InvalidConfigurationException x = assertThrows(InvalidConfigurationException.class, () -> NodeList.parse("n1:a:1 n3:c:3", "", retired));
        assertTrue(x.getMessage().startsWith("jetty.session.memcached.retiredNodes="), x.getMessage());
        assertTrue(x.getMessage().contains(message), x.getMessage());
    }

    @Test
    void retiredNodesNeedNodeIds()
    {
        InvalidConfigurationException x = assertThrows(InvalidConfigurationException.class, () -> NodeList.parse("a:1", "", "n2"));
        assertTrue(x.getMessage().contains("retired nodes need nodes with ids"), x.getMessage());
    }

    @Test
    void configuredOrderIsKeptNotSorted()
    {
        NodeList list = NodeList.parse("n3:c:3 n1:a:1 n2:b:2", "");
        assertEquals(List.of("n3", "n1", "n2"), ids(list.nodes()));
        assertEquals(List.of("n2", "n3"), ids(list.after("n1")));
    }

    @Test
    void failoverNodes()
    {
        NodeList list = NodeList.parse("n1:a:1 n2:b:2 n3:c:3", "n2, n3");
        assertFalse(list.isFailover("n1"));
        assertTrue(list.isFailover("n2"));
        assertTrue(list.isFailover("n3"));
        assertFalse(list.isFailover("n9"));

        NodeList spaces = NodeList.parse("n1:a:1 n2:b:2", " n2 ");
        assertTrue(spaces.isFailover("n2"));
        assertFalse(spaces.isFailover("n1"));

        NodeList none = NodeList.parse("n1:a:1 n2:b:2", null);
        assertFalse(none.isFailover("n1"));
        assertFalse(none.isFailover("n2"));
    }

    @Test
    void samePortOnDifferentHostsAndSameHostOnDifferentPortsAreFine()
    {
        assertEquals(2, NodeList.parse("n1:a:11211 n2:b:11211", "").size());
        assertEquals(2, NodeList.parse("n1:a:11211 n2:a:11212", "").size());
    }

    @Test
    void portBounds()
    {
        assertEquals(1, NodeList.parse("n1:a:1", "").node("n1").port());
        assertEquals(65535, NodeList.parse("n1:a:65535", "").node("n1").port());
    }

    // ---- errors ----

    @Test
    void nullIsAnError()
    {
        InvalidConfigurationException x = assertThrows(InvalidConfigurationException.class, () -> NodeList.parse(null, ""));
        assertEquals(NODES, x.getProperty());
        assertTrue(x.getMessage().contains(NODES), x.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", ",", " , ,\t"})
    void emptyIsAnError(String nodes)
    {
        invalid(nodes, "", NODES, NODES);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "localhost",
        "n1:localhost",
        "n1:localhost:11211 n2:localhost",
        "n1:localhost:11211:9",
        "n1::11211",
        ":localhost:11211",
        "n1:localhost:11211 localhost:11212",
        "n1:::1:11211",
        "n1:[::1:11211",
        "n1:ho$t:11211",
        "n1:host/x:11211",
    })
    void malformedEntry(String nodes)
    {
        invalid(nodes, "", NODES, nodes.trim());
    }

    @ParameterizedTest
    @ValueSource(strings = {"n-1", "n.1", "n%1", "nö", "n1!"})
    void badIdCharacters(String id)
    {
        String entry = id + ":localhost:11211";
        invalid(entry, "", NODES, id);
        // also among other, valid nodes
        invalid("n0:localhost:11210 " + entry, "", NODES, entry);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "70000", "65536", "abc", "-1", "11211x", "99999999999"})
    void badPort(String port)
    {
        invalid("n1:localhost:" + port, "", NODES, port);
        invalid("n1:a:11211 n2:localhost:" + port, "", NODES, "n2:localhost:" + port);
        invalid("localhost:" + port, "", NODES, "localhost:" + port);
    }

    @Test
    void duplicateId()
    {
        InvalidConfigurationException x = invalid("n1:a:1 n1:b:2", "", NODES, "n1:a:1 n1:b:2");
        assertTrue(x.getMessage().contains("'n1'"), x.getMessage());
    }

    @Test
    void duplicateAddress()
    {
        InvalidConfigurationException x = invalid("n1:a:11211 n2:a:11211", "", NODES, "n1:a:11211 n2:a:11211");
        assertTrue(x.getMessage().contains("a:11211"), x.getMessage());
        invalid("n1:[::1]:11211 n2:[::1]:11211", "", NODES, "[::1]:11211");
    }

    @Test
    void unknownFailoverId()
    {
        InvalidConfigurationException x = invalid("n1:a:1 n2:b:2", "n3", FAILOVER, "n3");
        assertTrue(x.getMessage().contains("'n3'"), x.getMessage());
        invalid("n1:a:1 n2:b:2", "n2,nX", FAILOVER, "nX");
        invalid("n1:a:1 n2:b:2", "N1", FAILOVER, "N1");
    }

    @Test
    void failoverIdWithAnonymousNode()
    {
        invalid("localhost:11211", "n1", FAILOVER, "n1");
    }

    @Test
    void allNodesFailover()
    {
        invalid("n1:a:1 n2:b:2", "n1 n2", FAILOVER, "n1 n2");
        invalid("n1:a:1 n2:b:2", "n2,n1,n2", FAILOVER, "n2,n1,n2");
        invalid("n1:a:1", "n1", FAILOVER, "n1");
    }

    @Test
    void messageFormatIsOneLineNamingPropertyAndValue()
    {
        InvalidConfigurationException x = assertThrows(InvalidConfigurationException.class, () -> NodeList.parse("n1:localhost:0", ""));
        assertTrue(x.getMessage().startsWith(NODES + "="), x.getMessage());
        assertFalse(x.getMessage().contains("\n"), x.getMessage());
    }
}
