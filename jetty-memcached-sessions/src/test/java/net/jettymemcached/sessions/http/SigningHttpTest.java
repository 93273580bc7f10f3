package net.jettymemcached.sessions.http;

import java.nio.charset.StandardCharsets;

import net.jettymemcached.sessions.format.EnvelopeInspector;
import net.jettymemcached.sessions.store.SessionKeys;
import net.jettymemcached.sessions.format.StoredValue;
import net.jettymemcached.sessions.testing.MemcachedNodes;
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
 * Spec 3.7 signing over HTTP: a value changed by one byte in memcached is unreadable (fresh session, deleted,
 * counted); keys rotate without logging anyone out; unsigned values are refused once signing is on.
 */
class SigningHttpTest
{
    private static final String KEY_A = "rotation-key-A-0123456789";
    private static final String KEY_B = "rotation-key-B-0123456789";

    private MemcachedNodes nodes;
    private JettyNode jetty;

    @BeforeEach
    void startMemcached()
    {
        nodes = MemcachedNodes.start(1);
    }

    @AfterEach
    void stop() throws Exception
    {
        stopJetty();
        nodes.close();
    }

    /** Starts a Jetty with the given keys; the previous one is stopped first, so its writes are done. */
    private JettyNode jetty(String worker, String keys) throws Exception
    {
        stopJetty();
        jetty = CodecJetty.start(worker, nodes.nodesProperty(), null, c -> c.setSigningKey(keys));
        return jetty;
    }

    private void stopJetty() throws Exception
    {
        if (jetty != null)
            jetty.close();
        jetty = null;
    }

    private static String clusterId(String cookie)
    {
        return cookie.substring(0, cookie.lastIndexOf('.'));
    }

    private static String key(String cookie)
    {
        return new SessionKeys("", "_", "0.0.0.0").primary(clusterId(cookie));
    }

    private MemcachedTextClient memcached()
    {
        return MemcachedTextClient.of(nodes.node("n1"));
    }

    @Test
    void oneTamperedByteMakesTheSessionUnreadable() throws Exception
    {
        SessionClient browser = new SessionClient();
        String cookie = browser.get(jetty("w1", KEY_A).uri("/app/set?name=role&value=user")).setCookie().orElseThrow();
        stopJetty();
        try (MemcachedTextClient memcached = memcached())
        {
            byte[] envelope = StoredValue.parse(memcached.get(key(cookie))).envelope();
            assertTrue(EnvelopeInspector.isSigned(envelope));
            int at = new String(envelope, StandardCharsets.ISO_8859_1).indexOf("user");
            assertTrue(at > 0, "the attribute's bytes are in the value");
            envelope[at] = 'r'; // "user" becomes "rser"; the checksum is fixed as a forger would
            assertTrue(memcached.set(key(cookie), StoredValue.frame(EnvelopeInspector.withFixedChecksum(envelope)), 600));
        }

        JettyNode reader = jetty("w2", KEY_A);
        SessionClient.Reply reply = browser.get(reader.uri("/app/get"));
        assertEquals(200, reply.status());
        assertNotEquals(clusterId(cookie), clusterId(reply.setCookie().orElseThrow()));
        assertNull(reply.value("role"));
        assertEquals(1, reader.cluster().statistics().getUnreadableSessions());
        try (MemcachedTextClient memcached = memcached())
        {
            assertTrue(EnvelopeInspector.noSession(memcached.get(key(cookie))), "replaced by a tombstone");
        }
    }

    @Test
    void rotatedKeysKeepSessions() throws Exception
    {
        SessionClient browser = new SessionClient();
        String cookie = browser.get(jetty("w1", KEY_A).uri("/app/set?name=colour&value=blue")).setCookie().orElseThrow();

        // new key first, old key still accepted
        SessionClient.Reply reply = browser.get(jetty("w2", KEY_B + "," + KEY_A).uri("/app/set?name=size&value=L"));
        assertEquals("blue", reply.value("colour"));
        assertEquals(clusterId(cookie), reply.value("id"));
        assertEquals(0, jetty.cluster().statistics().getUnreadableSessions());

        // the old key dropped: the session was re-signed with the new key on its last write
        reply = browser.get(jetty("w3", KEY_B).uri("/app/get"));
        assertEquals(clusterId(cookie), reply.value("id"));
        assertEquals("blue", reply.value("colour"));
        assertEquals("L", reply.value("size"));
        assertEquals(0, jetty.cluster().statistics().getUnreadableSessions());
    }

    @Test
    void unsignedValuesAreRefusedOnceSigningIsOn() throws Exception
    {
        SessionClient browser = new SessionClient();
        String cookie = browser.get(jetty("w1", "").uri("/app/set?name=colour&value=blue")).setCookie().orElseThrow();
        SessionClient.Reply reply = browser.get(jetty("w2", KEY_A).uri("/app/get"));
        assertEquals(200, reply.status());
        assertNotEquals(clusterId(cookie), clusterId(reply.setCookie().orElseThrow()));
        assertEquals(1, jetty.cluster().statistics().getUnreadableSessions());
    }
}
