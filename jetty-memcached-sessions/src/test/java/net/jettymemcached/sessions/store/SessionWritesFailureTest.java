package net.jettymemcached.sessions.store;

import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;

import net.jettymemcached.sessions.codec.JavaAttributeCodec;
import net.jettymemcached.sessions.format.SessionEnvelope;
import net.jettymemcached.sessions.id.SessionId;
import net.jettymemcached.sessions.id.SessionIdFormat;
import net.jettymemcached.sessions.memcached.MemcachedAccess;
import net.jettymemcached.sessions.memcached.MemcachedAccessException;
import net.jettymemcached.sessions.memcached.NodeClients;
import net.jettymemcached.sessions.memcached.Protocol;
import net.jettymemcached.sessions.node.NodeHealth;
import net.jettymemcached.sessions.node.NodeList;
import net.jettymemcached.sessions.replication.Placement;
import net.jettymemcached.sessions.replication.SessionReplicas;
import net.jettymemcached.sessions.stats.MemcachedSessionStatistics;
import net.jettymemcached.sessions.stats.ThrottledLog;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A write that reaches no node is written again in full by the next store of the same copy, in both modes (in
 * non-sticky mode the failure is also the request's). Nodes that are down fail at once, so no memcached is needed.
 */
class SessionWritesFailureTest
{
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aFailedWriteMakesTheNextStoreWriteInFull(boolean sticky) throws Exception
    {
        NodeList nodes = NodeList.parse("n1:127.0.0.1:1 n2:127.0.0.1:2", "");
        NodeHealth health = new NodeHealth(nodes, node -> false, Duration.ofSeconds(1), Duration.ZERO);
        NodeClients clients = new NodeClients(nodes, Duration.ofSeconds(1), Protocol.TEXT);
        Placement placement = new Placement(nodes, health);
        MemcachedSessionStatistics stats = new MemcachedSessionStatistics();
        MemcachedAccess access = new MemcachedAccess(clients, health);
        SessionReplicas replicas = new SessionReplicas(access, placement, stats, new net.jettymemcached.sessions.replication.PendingTombstones(access, InstantSource.system()));
        StoreParts parts = new StoreParts(new SessionIdFormat(nodes), new SessionEnvelope(new JavaAttributeCodec()), replicas, null, null,
            stats, "", sticky, false, Duration.ofSeconds(1), Duration.ofSeconds(1), new net.jettymemcached.sessions.replication.Forwards(), InstantSource.system(), true);
        SessionWrites writes = new SessionWrites(parts, new WritePolicy(!sticky), new ThrottledLog(LoggerFactory.getLogger(getClass()), 10, TimeUnit.SECONDS));

        long now = System.currentTimeMillis();
        MemcachedSessionData data = new MemcachedSessionData("abcdefghijklmnopq-n1", "_", "0.0.0.0", now, now, now, 1_800_000);
        data.setAttribute("k", "v");
        SessionId id = parts.ids().parse(data.getId());
        SessionKeys keys = new SessionKeys("", "_", "0.0.0.0");
        if (sticky)
            writes.store(WritePolicy.Trigger.STORE, id, keys, data, now - 1000, 0);
        else
            assertThrows(MemcachedAccessException.class, () -> writes.store(WritePolicy.Trigger.STORE, id, keys, data, now - 1000, 0));
        assertTrue(data.isUnsaved(), "the next store of this copy must write it in full");
    }
}
