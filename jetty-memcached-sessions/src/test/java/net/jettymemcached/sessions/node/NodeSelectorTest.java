package net.jettymemcached.sessions.node;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Placement rules: random live regular node for new sessions, failover nodes last, next live node in order. */
class NodeSelectorTest
{
    private static NodeSelector selector(String nodes, String failover, Set<String> live)
    {
        NodeList list = NodeList.parse(nodes, failover);
        NodeHealth health = new NodeHealth(list, node -> live.contains(node.id()), 1000, 0);
        health.probeAll();
        return new NodeSelector(list, health);
    }

    private static Set<String> newSessionNodes(NodeSelector selector)
    {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 500; i++)
            seen.add(selector.forNewSession().id());
        return seen;
    }

    @Test
    void newSessionsSpreadOverLiveRegularNodes()
    {
        NodeSelector selector = selector("n1:h:1 n2:h:2 n3:h:3 n4:h:4", "n4", Set.of("n1", "n2", "n3", "n4"));
        assertEquals(Set.of("n1", "n2", "n3"), newSessionNodes(selector));
    }

    @Test
    void deadNodesGetNoNewSessions()
    {
        NodeSelector selector = selector("n1:h:1 n2:h:2 n3:h:3", "", Set.of("n1", "n3"));
        assertEquals(Set.of("n1", "n3"), newSessionNodes(selector));
    }

    @Test
    void failoverNodesOnlyWhenNoRegularNodeIsLive()
    {
        NodeSelector selector = selector("n1:h:1 n2:h:2 n3:h:3", "n2 n3", Set.of("n2", "n3"));
        assertEquals(Set.of("n2", "n3"), newSessionNodes(selector));
        NodeSelector withRegular = selector("n1:h:1 n2:h:2 n3:h:3", "n2 n3", Set.of("n1", "n2", "n3"));
        assertEquals(Set.of("n1"), newSessionNodes(withRegular));
    }

    @Test
    void nothingLiveStillGivesARegularNode()
    {
        NodeSelector selector = selector("n1:h:1 n2:h:2 n3:h:3", "n3", Set.of());
        assertEquals(Set.of("n1", "n2"), newSessionNodes(selector));
    }

    @Test
    void nextLiveNodeFollowsConfiguredOrderAndSkipsDeadOnes()
    {
        NodeSelector all = selector("n1:h:1 n2:h:2 n3:h:3", "", Set.of("n1", "n2", "n3"));
        assertEquals("n2", all.nextLiveAfter("n1").orElseThrow().id());
        assertEquals("n1", all.nextLiveAfter("n3").orElseThrow().id(), "wraps around");
        NodeSelector n2Dead = selector("n1:h:1 n2:h:2 n3:h:3", "", Set.of("n1", "n3"));
        assertEquals("n3", n2Dead.nextLiveAfter("n1").orElseThrow().id());
        assertEquals(List.of("n3"), n2Dead.liveAfter("n1").stream().map(MemcachedNode::id).toList());
        NodeSelector alone = selector("n1:h:1 n2:h:2", "", Set.of("n1"));
        assertTrue(alone.nextLiveAfter("n1").isEmpty(), "never the node itself");
    }

    @Test
    void anonymousSingleNodeHasNoBackup()
    {
        NodeSelector selector = selector("localhost:11211", "", Set.of(""));
        assertEquals("", selector.forNewSession().id());
        assertTrue(selector.liveAfter("").isEmpty());
        assertTrue(selector.nextLiveAfter("").isEmpty());
    }
}
