package net.jettymemcached.sessions.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.zip.CRC32;

import net.jettymemcached.sessions.format.StoredValue;
import net.jettymemcached.sessions.stats.MemcachedSessionStatistics;
import net.jettymemcached.sessions.store.SessionKeys;
import net.jettymemcached.sessions.testing.Await;
import net.jettymemcached.sessions.testing.MemcachedNodes;
import net.jettymemcached.sessions.testing.MemcachedTextClient;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With {@code signingKey} set, a party that can write to memcached but does not know the key can neither make a
 * session immortal with a forged access record (records are authenticated), nor replay a signed session under another
 * virtual host's key (the signed value is bound to its vhost). Non-sticky, so every request reads memcached.
 */
class ForgedBytesHttpTest
{
    private static final String KEY = "forged-bytes-test-key-0123456789";

    private MemcachedNodes nodes;
    private JettyNode a;
    private JettyNode b;

    @BeforeEach
    void startNodes()
    {
        nodes = MemcachedNodes.start(1);
    }

    @AfterEach
    void stop() throws Exception
    {
        if (b != null)
            b.close();
        if (a != null)
            a.close();
        nodes.close();
    }

    private JettyNode start(String worker, String vhost) throws Exception
    {
        return JettyNode.start(worker, nodes.nodesProperty(), c ->
        {
            c.setSticky(false);
            c.setSigningKey(KEY);
        }, http -> {}, context ->
        {
            if (vhost != null)
                context.setVirtualHosts(List.of(vhost));
            context.addServlet(new ServletHolder(new SessionServlet(worker)), "/app/*");
        });
    }

    private static String clusterId(String cookie)
    {
        return cookie.substring(0, cookie.lastIndexOf('.'));
    }

    /** Every store of the requests so far has landed (each request stores at commit and at its end). */
    private static void awaitStores(JettyNode jetty, int requests)
    {
        Await.await(requests + " requests stored", () ->
        {
            MemcachedSessionStatistics s = jetty.cluster().statistics();
            return s.getWrites() + s.getAccessAppends() + s.getSkippedWrites() + s.getWriteFailures() >= 2L * requests;
        }, Duration.ofSeconds(5));
    }

    /** The 54-byte record layout the README documents, with a valid CRC: what a forger who read the format writes. */
    private static byte[] forgedRecord(long generation, long now)
    {
        ByteBuffer record = ByteBuffer.allocate(54);
        record.putShort((short)(('A' << 8) | 'R')).putLong(generation).putLong(now).putLong(now).putLong(now).putLong(0).putLong(-1);
        CRC32 crc = new CRC32();
        crc.update(record.array(), 0, 50);
        record.putInt((int)crc.getValue());
        return record.array();
    }

    @Test
    void aForgedAccessRecordDoesNotMakeASignedSessionImmortal() throws Exception
    {
        a = start("w1", null);
        SessionClient browser = new SessionClient();
        browser.get(a, "/app/set?name=k&value=v");
        browser.get(a, "/app/timeout?seconds=60");
        awaitStores(a, 2);
        String id = clusterId(browser.cookie());
        String key = new SessionKeys("", "_", "0.0.0.0").primary(id);
        try (MemcachedTextClient memcached = MemcachedTextClient.of(nodes.node(0)))
        {
            byte[] envelope = StoredValue.parse(memcached.get(key)).envelope();
            long generation = ByteBuffer.wrap(envelope, 4, 8).getLong();
            assertTrue(memcached.append(key, forgedRecord(generation, System.currentTimeMillis())));

            // The next full write takes its TTL from the session's max inactive interval.
            assertEquals("v", browser.get(a, "/app/set?name=k2&value=v2").value("k"));
            awaitStores(a, 3);
            int ttl = memcached.ttlOf(key);
            System.out.println("forged access record (max inactive -1) appended to a signed session: memcached TTL after the next write " + ttl
                + " s, records ignored " + a.cluster().statistics().getAccessRecordsIgnored());
            assertNotEquals(-1, ttl, "the forged record made the session immortal");
            assertTrue(ttl > 0 && ttl <= 60 + 30 + 60 + 5, "TTL " + ttl + " s");
            assertTrue(a.cluster().statistics().getAccessRecordsIgnored() >= 1);
        }
    }

    @Test
    void aSignedSessionReplayedUnderAnotherVirtualHostIsUnreadable() throws Exception
    {
        a = start("w1", "a.example");
        b = start("w2", "b.example");
        RawHttp.Reply created = RawHttp.get(a.port(), "a.example", "/app/set?name=k&value=secret", new byte[0]);
        assertEquals(200, created.status());
        String cookie = created.setCookie().orElseThrow();
        String id = clusterId(cookie);
        awaitStores(a, 1);
        try (MemcachedTextClient memcached = MemcachedTextClient.of(nodes.node(0)))
        {
            byte[] value = memcached.get(new SessionKeys("", "_", "a.example").primary(id));
            assertTrue(memcached.set(new SessionKeys("", "_", "b.example").primary(id), value, 0));
        }
        RawHttp.Reply replayed = RawHttp.get(b.port(), "b.example", "/app/get", cookie.getBytes(StandardCharsets.US_ASCII));
        System.out.println("signed value replayed under another vhost: status " + replayed.status() + ", k=" + replayed.value("k")
            + ", unreadable " + b.cluster().statistics().getUnreadableSessions());
        assertEquals(200, replayed.status());
        assertNull(replayed.value("k"), "the value of vhost a.example was accepted under b.example");
        assertEquals(1, b.cluster().statistics().getUnreadableSessions());
    }
}
