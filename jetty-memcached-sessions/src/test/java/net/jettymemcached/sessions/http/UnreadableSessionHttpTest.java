package net.jettymemcached.sessions.http;

import net.jettymemcached.sessions.format.EnvelopeInspector;
import java.nio.charset.StandardCharsets;

import net.jettymemcached.sessions.codec.JavaAttributeCodec;
import net.jettymemcached.sessions.format.SessionEnvelope;
import net.jettymemcached.sessions.format.StoredValue;
import net.jettymemcached.sessions.store.SessionKeys;
import net.jettymemcached.sessions.testing.MemcachedNodes;
import org.eclipse.jetty.session.SessionData;
import net.jettymemcached.sessions.testing.MemcachedTextClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Corrupt bytes under a live session's key, loaded by a Jetty that never saw the session: a damaged primary with an
 * intact backup loses nothing; when no copy is readable the request gets 200 and a fresh session, the bad values are
 * deleted, and the counter moves.
 */
class UnreadableSessionHttpTest
{
    /** Context "/" (canonical "_"), no virtual host. */
    private static final SessionKeys KEYS = new SessionKeys("", "_", "0.0.0.0");
    private MemcachedNodes nodes;
    private JettyNode w1;
    private JettyNode w2;

    @BeforeEach
    void start() throws Exception
    {
        nodes = MemcachedNodes.start(2);
        w1 = JettyNode.start("w1", nodes.nodesProperty(), c -> {});
        w2 = JettyNode.start("w2", nodes.nodesProperty(), c -> {});
    }

    @AfterEach
    void stop() throws Exception
    {
        w2.close();
        if (w1 != null)
            w1.close();
        nodes.close();
    }

    private void stopW1() throws Exception
    {
        w1.close();
        w1 = null;
    }

    @Test
    void aDamagedPrimaryIsReplacedByItsIntactBackup() throws Exception
    {
        SessionClient browser = new SessionClient();
        String cookie = browser.get(w1, "/app/set?name=colour&value=blue").setCookie().orElseThrow();
        stopW1(); // its last writes are done before the bytes are damaged
        String id = cookie.substring(0, cookie.lastIndexOf('.'));
        String node = id.substring(id.lastIndexOf('-') + 1);
        String key = KEYS.primary(id);
        byte[] good;
        try (MemcachedTextClient primary = MemcachedTextClient.of(nodes.node(node)))
        {
            good = primary.get(key);
            byte[] truncated = java.util.Arrays.copyOf(good, good.length - 7);
            assertTrue(primary.set(key, truncated, 600, primary.flags(key)), "damaged in place: same version"); 
        }

        SessionClient.Reply reply = browser.get(w2, "/app/get");
        assertEquals(200, reply.status());
        assertEquals("blue", reply.value("colour"));
        assertEquals(id, reply.value("id"));
        assertEquals(1, w2.cluster().statistics().getUnreadableSessions());
        assertEquals(1, w2.cluster().statistics().getPrimaryRestores());
        try (MemcachedTextClient primary = MemcachedTextClient.of(nodes.node(node)))
        {
            byte[] stored = primary.get(key);
            SessionData data = new SessionEnvelope(new JavaAttributeCodec()).decode(StoredValue.parse(stored).envelope(), new SessionData(id, "_", "0.0.0.0", 0, 0, 0, 0));
            assertEquals("blue", data.getAttribute("colour"), "primary readable again");
        }
    }

    @Test
    void corruptStoredBytesGiveAFreshSessionAndAreDeleted() throws Exception
    {
        SessionClient browser = new SessionClient();
        String cookie = browser.get(w1, "/app/set?name=colour&value=blue").setCookie().orElseThrow();
        stopW1(); // its last writes are done before the bytes are damaged
        String id = cookie.substring(0, cookie.lastIndexOf('.'));
        String node = id.substring(id.lastIndexOf('-') + 1);
        String other = node.equals("n1") ? "n2" : "n1";
        String key = KEYS.primary(id);
        try (MemcachedTextClient primary = MemcachedTextClient.of(nodes.node(node));
             MemcachedTextClient backup = MemcachedTextClient.of(nodes.node(other)))
        {
            byte[] good = primary.get(key);
            byte[] flipped = good.clone();
            flipped[flipped.length / 2] ^= 0x40;
            assertTrue(primary.set(key, flipped, 600));
            assertTrue(backup.set(KEYS.backup(id), "garbage".getBytes(StandardCharsets.US_ASCII), 600));
        }

        SessionClient.Reply reply = browser.get(w2, "/app/get");
        assertEquals(200, reply.status());
        String fresh = reply.setCookie().orElseThrow(() -> new AssertionError("no fresh session"));
        assertNotEquals(id, fresh.substring(0, fresh.lastIndexOf('.')));
        assertNull(reply.value("colour"));
        assertEquals(2, w2.cluster().statistics().getUnreadableSessions(), "the primary and the backup copy");
        try (MemcachedTextClient primary = MemcachedTextClient.of(nodes.node(node));
             MemcachedTextClient backup = MemcachedTextClient.of(nodes.node(other)))
        {
            assertTrue(EnvelopeInspector.noSession(primary.get(key)), "unreadable value replaced by a tombstone");
            assertTrue(EnvelopeInspector.noSession(backup.get(KEYS.backup(id))), "its backup too");
        }
    }
}
