package net.jettymemcached.sessions.replication;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import net.jettymemcached.sessions.id.SessionId;
import net.jettymemcached.sessions.node.MemcachedNode;
import net.jettymemcached.sessions.node.NodeHealth;
import net.jettymemcached.sessions.node.NodeList;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Placement rules: random live regular node for new sessions, failover nodes last, the backup on the next live node
 * in order, a session of a dead node at home on that same node, its lock on its own node.
 */
class PlacementTest
{
    private static Placement selector(String nodes, String failover, Set<String> live)
    {
        NodeList list = NodeList.parse(nodes, failover);
        NodeHealth health = new NodeHealth(list, node -> live.contains(node.id()), Duration.ofSeconds(1), Duration.ZERO);
        health.probeAll();
        return new Placement(list, health);
    }

    private static SessionId on(String node)
    {
        return new SessionId("abcdefghijklmnop", node);
    }

    private static Set<String> newSessionNodes(Placement selector)
    {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 500; i++)
            seen.add(selector.forNewSession().id());
        return seen;
    }

    @Test
    void newSessionsSpreadOverLiveRegularNodes()
    {
        Placement selector = selector("n1:h:1 n2:h:2 n3:h:3 n4:h:4", "n4", Set.of("n1", "n2", "n3", "n4"));
        assertEquals(Set.of("n1", "n2", "n3"), newSessionNodes(selector));
    }

    @Test
    void deadNodesGetNoNewSessions()
    {
        Placement selector = selector("n1:h:1 n2:h:2 n3:h:3", "", Set.of("n1", "n3"));
        assertEquals(Set.of("n1", "n3"), newSessionNodes(selector));
    }

    @Test
    void failoverNodesOnlyWhenNoRegularNodeIsLive()
    {
        Placement selector = selector("n1:h:1 n2:h:2 n3:h:3", "n2 n3", Set.of("n2", "n3"));
        assertEquals(Set.of("n2", "n3"), newSessionNodes(selector));
        Placement withRegular = selector("n1:h:1 n2:h:2 n3:h:3", "n2 n3", Set.of("n1", "n2", "n3"));
        assertEquals(Set.of("n1"), newSessionNodes(withRegular));
    }

    @Test
    void nothingLiveStillGivesARegularNode()
    {
        Placement selector = selector("n1:h:1 n2:h:2 n3:h:3", "n3", Set.of());
        assertEquals(Set.of("n1", "n2"), newSessionNodes(selector));
    }

    @Test
    void nextLiveNodeFollowsConfiguredOrderAndSkipsDeadOnes()
    {
        Placement all = selector("n1:h:1 n2:h:2 n3:h:3", "", Set.of("n1", "n2", "n3"));
        assertEquals("n2", all.backup(on("n1")).orElseThrow().id());
        assertEquals("n1", all.backup(on("n3")).orElseThrow().id(), "wraps around");
        Placement n2Dead = selector("n1:h:1 n2:h:2 n3:h:3", "", Set.of("n1", "n3"));
        assertEquals("n3", n2Dead.backup(on("n1")).orElseThrow().id());
        assertEquals(List.of("n3"), n2Dead.backupCandidates(on("n1")).stream().map(MemcachedNode::id).toList());
        Placement alone = selector("n1:h:1 n2:h:2", "", Set.of("n1"));
        assertTrue(alone.backup(on("n1")).isEmpty(), "never the node itself");
    }

    @Test
    void anonymousSingleNodeHasNoBackup()
    {
        Placement selector = selector("localhost:11211", "", Set.of(""));
        assertEquals("", selector.forNewSession().id());
        assertTrue(selector.backupCandidates(on("")).isEmpty());
        assertTrue(selector.backup(on("")).isEmpty());
    }

    @Test
    void aSessionOfADeadNodeLivesOnTheNextLiveNodeWithTheSameRandomPart()
    {
        Placement n2Dead = selector("n1:h:1 n2:h:2 n3:h:3", "", Set.of("n1", "n3"));
        assertEquals(on("n3"), n2Dead.liveHome(on("n2")));
        assertEquals(on("n1"), n2Dead.liveHome(on("n1")), "a live node keeps its sessions");
        Placement n3Dead = selector("n1:h:1 n2:h:2 n3:h:3", "", Set.of("n1", "n2"));
        assertEquals(on("n1"), n3Dead.liveHome(on("n3")), "wraps around");
        Placement nothingLive = selector("n1:h:1 n2:h:2", "", Set.of());
        assertEquals(on("n1"), nothingLive.liveHome(on("n1")), "no live node: the id stays");
        Placement anonymous = selector("localhost:11211", "", Set.of());
        assertEquals(on(""), anonymous.liveHome(on("")));
    }

    @Test
    void primaryAndLockAreOnTheNodeTheIdNames()
    {
        Placement all = selector("n1:h:1 n2:h:2 n3:h:3", "", Set.of("n1", "n2", "n3"));
        assertEquals("n2", all.primary(on("n2")).id());
        assertEquals("n2", all.lockNode(on("n2")).id());
        assertEquals(List.of("n3", "n1"), all.backupCandidates(on("n2")).stream().map(MemcachedNode::id).toList());
    }
}
