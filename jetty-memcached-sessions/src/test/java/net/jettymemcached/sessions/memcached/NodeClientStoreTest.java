package net.jettymemcached.sessions.memcached;

import java.time.Duration;
import java.util.Arrays;

import net.jettymemcached.sessions.node.NodeList;
import net.jettymemcached.sessions.testing.Await;
import net.jettymemcached.sessions.testing.MemcachedNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link NodeClient#store} against a real memcached, in both protocols: a conditional write or add that tells the
 * new CAS unique (text: a meta set), so that the next write of the copy needs no read first; memcached's refusals are
 * refusals, not a node failing.
 */
class NodeClientStoreTest
{
    private MemcachedNodes nodes;
    private NodeClient client;

    @AfterEach
    void stop()
    {
        if (client != null)
            client.close();
        if (nodes != null)
            nodes.close();
    }

    private NodeClient start(Protocol protocol) throws Exception
    {
        nodes = MemcachedNodes.start(1);
        NodeList list = NodeList.parse(nodes.nodesProperty(), "");
        client = new NodeClient(list.nodes().get(0), 1000, protocol, null);
        NodeClient c = client;
        Await.await("the client connected", c::probe, Duration.ofSeconds(10)); // operations before that are cancelled
        return client;
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void anAddThenCasWritesTellTheNewCas(Protocol protocol) throws Exception
    {
        NodeClient c = start(protocol);
        NodeClient.Stored added = c.store("k", -1, 60, new Item(new byte[]{1, 2}, 7));
        assertEquals(CasOutcome.STORED, added.outcome());
        assertEquals(CasOutcome.CHANGED, c.store("k", -1, 60, new Item(new byte[]{9}, 7)).outcome(), "an add over an item");
        Fetched read = c.gets("k");
        assertArrayEquals(new byte[]{1, 2}, read.value());
        assertEquals(7, read.flags());
        if (protocol == Protocol.TEXT)
            assertEquals(read.cas(), added.cas(), "the answer's CAS is the item's");

        NodeClient.Stored replaced = c.store("k", read.cas(), 60, new Item(new byte[]{3}, 8));
        assertEquals(CasOutcome.STORED, replaced.outcome());
        Fetched again = c.gets("k");
        assertArrayEquals(new byte[]{3}, again.value());
        assertEquals(8, again.flags());
        if (protocol == Protocol.TEXT)
        {
            assertEquals(again.cas(), replaced.cas());
            assertEquals(CasOutcome.STORED, c.store("k", replaced.cas(), 60, new Item(new byte[]{4}, 9)).outcome(), "the told CAS is usable at once");
        }
        assertEquals(CasOutcome.CHANGED, c.store("k", read.cas(), 60, new Item(new byte[]{5}, 9)).outcome(), "an old CAS");
        assertEquals(CasOutcome.MISSING, c.store("nothing", 12345, 60, new Item(new byte[]{5}, 9)).outcome());
        assertNotEquals(5, c.gets("k").value()[0]);
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aValueMemcachedRefusesIsARefusalAndTheNodeStillAnswers(Protocol protocol) throws Exception
    {
        NodeClient c = start(protocol);
        byte[] tooLarge = new byte[2 << 20]; // above memcached's 1 MB item limit
        Arrays.fill(tooLarge, (byte)'x');
        assertThrows(WriteRefusedException.class, () -> c.store("big", -1, 60, new Item(tooLarge, 0)));
        assertEquals(CasOutcome.STORED, c.store("small", -1, 60, new Item(new byte[]{1}, 0)).outcome(), "the connection is still in step");
        assertTrue(c.probe());
    }
}
