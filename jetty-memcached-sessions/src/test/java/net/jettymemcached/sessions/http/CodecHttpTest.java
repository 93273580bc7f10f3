package net.jettymemcached.sessions.http;

import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import net.jettymemcached.sessions.format.EnvelopeInspector;
import net.jettymemcached.sessions.MemcachedSessionsConfig;
import net.jettymemcached.sessions.store.SessionKeys;
import net.jettymemcached.sessions.format.StoredValue;
import net.jettymemcached.sessions.testing.MemcachedNodes;
import net.jettymemcached.sessions.testing.MemcachedTextClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Spec 3.2 and 3.7 over HTTP, with a real memcached: classes only the webapp has round-trip between two Jettys (each
 * with its own webapp class loader), and every kind of unreadable stored value gives the next request a fresh
 * session (200, never 500), is deleted from memcached and counted.
 */
class CodecHttpTest
{
    private static final String SIGNING_KEY_A = "signing-key-A-0123456789";
    private static final String SIGNING_KEY_B = "signing-key-B-0123456789";

    @TempDir
    static Path tmp;
    private static Path shopClasses;

    private MemcachedNodes nodes;
    private JettyNode first;
    private JettyNode second;

    @BeforeAll
    static void compileShop()
    {
        shopClasses = ShopClasses.compile(tmp);
    }

    @BeforeEach
    void startMemcached()
    {
        nodes = MemcachedNodes.start(1);
    }

    @AfterEach
    void stop() throws Exception
    {
        if (second != null)
            second.close();
        if (first != null)
            first.close();
        nodes.close();
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

    /** Stores a basket (protostuff) and a coupon (Java fallback) through the first Jetty, then stops it so its writes are done. */
    private String storeShopSession(SessionClient browser, Consumer<MemcachedSessionsConfig> settings) throws Exception
    {
        first = CodecJetty.start("w1", nodes.nodesProperty(), ShopClasses.loader(shopClasses, "webapp-w1"), settings);
        String cookie = browser.get(first.uri("/app/new?attr=basket&class=" + ShopClasses.BASKET + "&arg=alice")).setCookie().orElseThrow();
        browser.get(first.uri("/app/add?attr=basket&value=apple"));
        browser.get(first.uri("/app/add?attr=basket&value=apple"));
        browser.get(first.uri("/app/add?attr=basket&value=pear"));
        SessionClient.Reply reply = browser.get(first.uri("/app/new?attr=coupon&class=" + ShopClasses.COUPON + "&arg=SPRING"));
        assertEquals(200, reply.status());
        first.close();
        first = null;
        return cookie;
    }

    @Test
    void webappOnlyClassesRoundTripThroughMemcached() throws Exception
    {
        SessionClient browser = new SessionClient();
        String cookie = storeShopSession(browser, c -> {});
        try (MemcachedTextClient memcached = memcached())
        {
            byte[] envelope = StoredValue.parse(memcached.get(key(cookie))).envelope();
            assertEquals(Map.of("basket", "protostuff", "coupon", "java"), EnvelopeInspector.codecs(envelope));
        }

        second = CodecJetty.start("w2", nodes.nodesProperty(), ShopClasses.loader(shopClasses, "webapp-w2"), c -> {});
        SessionClient.Reply reply = browser.get(second.uri("/app/get"));
        assertEquals(200, reply.status());
        assertEquals(clusterId(cookie), reply.value("id"), "same session");
        assertEquals("alice [applex2, pearx1] OPEN shared=true created=1700000000000", reply.value("basket"));
        assertEquals("webapp-w2", reply.value("basket.loader"), "loaded by the reading webapp's own loader");
        assertEquals("coupon SPRING", reply.value("coupon"));
        assertEquals("webapp-w2", reply.value("coupon.loader"));
        assertEquals(0, second.cluster().statistics().getUnreadableSessions());
    }

    /** What can be wrong with a stored value, and how the reading Jetty is set up. */
    enum Damage
    {
        CORRUPT(raw -> reframe(raw, envelope ->
        {
            envelope[envelope.length / 2] ^= 0x40;
            return envelope;
        })),
        TRUNCATED(raw -> Arrays.copyOf(raw, raw.length - 9)),
        FOREIGN_TEXT(raw -> "VALUE of some other application".getBytes(StandardCharsets.US_ASCII)),
        FOREIGN_JAVA_SERIALIZATION(raw -> javaSerialized()),
        UNKNOWN_VERSION(raw -> reframe(raw, envelope ->
        {
            envelope[2] = 9;
            return EnvelopeInspector.withFixedChecksum(envelope);
        })),
        MISSING_CLASS(raw -> raw),
        REFUSED_CLASS(raw -> raw),
        BAD_SIGNATURE(raw -> raw);

        final UnaryOperator<byte[]> damage;

        Damage(UnaryOperator<byte[]> damage)
        {
            this.damage = damage;
        }
    }

    private static byte[] reframe(byte[] raw, UnaryOperator<byte[]> change)
    {
        return StoredValue.frame(change.apply(StoredValue.parse(raw).envelope()));
    }

    private static byte[] javaSerialized()
    {
        try
        {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes))
            {
                out.writeObject(new HashMap<>(Map.of("colour", "blue")));
            }
            return bytes.toByteArray();
        }
        catch (Exception x)
        {
            throw new IllegalStateException(x);
        }
    }

    @ParameterizedTest
    @EnumSource(Damage.class)
    void unreadableValueGivesAFreshSessionAndIsDeleted(Damage damage) throws Exception
    {
        SessionClient browser = new SessionClient();
        String cookie = storeShopSession(browser, c -> c.setSigningKey(damage == Damage.BAD_SIGNATURE ? SIGNING_KEY_A : ""));
        String key = key(cookie);
        try (MemcachedTextClient memcached = memcached())
        {
            byte[] raw = memcached.get(key);
            assertTrue(memcached.set(key, damage.damage.apply(raw), 600));
        }

        ClassLoader loader = damage == Damage.MISSING_CLASS ? null : ShopClasses.loader(shopClasses, "webapp-w2");
        second = CodecJetty.start("w2", nodes.nodesProperty(), loader, c ->
        {
            if (damage == Damage.REFUSED_CLASS)
                c.setDeserializationFilter("!shop.**;" + c.getDeserializationFilter());
            if (damage == Damage.BAD_SIGNATURE)
                c.setSigningKey(SIGNING_KEY_B);
        });
        SessionClient.Reply reply = browser.get(second.uri("/app/get"));
        assertEquals(200, reply.status(), reply.body());
        String fresh = reply.setCookie().orElseThrow(() -> new AssertionError("no fresh session"));
        assertNotEquals(clusterId(cookie), clusterId(fresh));
        assertNull(reply.value("basket"));
        assertEquals(1, second.cluster().statistics().getUnreadableSessions());
        try (MemcachedTextClient memcached = memcached())
        {
            assertTrue(EnvelopeInspector.noSession(memcached.get(key)), "the unreadable value is replaced by a tombstone");
        }
    }
}
