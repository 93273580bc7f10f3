package net.jettymemcached.sessions.store;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Spec 3.2: key layout, escaping, the 250-byte limit. */
class SessionKeysTest
{
    private static final String ID = "node0abc123def456ghi789jkl-n1";
    /** The longest id {@link net.jettymemcached.sessions.id.SessionIdFormat} accepts: 100 random + "-" + 32 node. */
    private static final String LONGEST_ID = "a".repeat(100) + "-" + "n".repeat(32);

    private static void assertValidKey(String key)
    {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        assertTrue(bytes.length <= SessionKeys.MAX_KEY_LENGTH, () -> "key longer than 250 bytes (" + bytes.length + "): " + key);
        assertTrue(bytes.length > 0);
        for (byte b : bytes)
            assertTrue(b > 32 && b < 127, () -> "not printable ASCII (" + (b & 0xFF) + ") in " + key);
    }

    private static void assertAllKeysValid(SessionKeys keys, String id)
    {
        assertValidKey(keys.primary(id));
        assertValidKey(keys.backup(id));
        assertValidKey(keys.lock(id));
    }

    @Test
    void layout()
    {
        SessionKeys keys = new SessionKeys("", "_shop", "0.0.0.0");
        assertEquals("_shop_0.0.0.0_", keys.scope());
        assertEquals("_shop_0.0.0.0_" + ID, keys.primary(ID));
        assertEquals("bak:_shop_0.0.0.0_" + ID, keys.backup(ID));
        assertEquals("lock:_shop_0.0.0.0_" + ID, keys.lock(ID));
    }

    @Test
    void layoutWithPrefix()
    {
        SessionKeys keys = new SessionKeys("app1:", "_shop", "example.com");
        assertEquals("app1:_shop_example.com_" + ID, keys.primary(ID));
        assertEquals("bak:app1:_shop_example.com_" + ID, keys.backup(ID));
        assertEquals("lock:app1:_shop_example.com_" + ID, keys.lock(ID));
        assertEquals("app1:_shop_example.com_", keys.scope());
    }

    @Test
    void rootContext()
    {
        SessionKeys keys = new SessionKeys("", "_", "0.0.0.0");
        assertEquals("__0.0.0.0_" + ID, keys.primary(ID));
    }

    @Test
    void backupAndLockArePrimaryWithPrefix()
    {
        SessionKeys keys = new SessionKeys("p_", "_a_b", "host");
        assertEquals(SessionKeys.BACKUP_PREFIX + keys.primary(ID), keys.backup(ID));
        assertEquals(SessionKeys.LOCK_PREFIX + keys.primary(ID), keys.lock(ID));
        assertEquals("bak:", SessionKeys.BACKUP_PREFIX);
        assertEquals("lock:", SessionKeys.LOCK_PREFIX);
    }

    @Test
    void escapesColonInVhost()
    {
        SessionKeys keys = new SessionKeys("", "_ctx", "host:8080");
        assertEquals("_ctx_host%3A8080_" + ID, keys.primary(ID));
        assertAllKeysValid(keys, ID);
    }

    @Test
    void escapesIpv6Vhost()
    {
        SessionKeys keys = new SessionKeys("", "_ctx", "[::1]");
        assertEquals("_ctx_%5B%3A%3A1%5D_" + ID, keys.primary(ID));
    }

    @Test
    void escapesNonAsciiAsUtf8Percent()
    {
        SessionKeys keys = new SessionKeys("", "_caf\u00e9", "b\u00fccher.example");
        assertEquals("_caf%C3%A9_b%C3%BCcher.example_" + ID, keys.primary(ID));
        assertAllKeysValid(keys, ID);

        SessionKeys cjk = new SessionKeys("", "_\u65e5\u672c", "\u4f8b\u3048.jp");
        assertAllKeysValid(cjk, ID);
        assertTrue(cjk.primary(ID).startsWith("_%E6%97%A5%E6%9C%AC_"), cjk.primary(ID));
    }

    @Test
    void escapesWhitespaceAndControlCharacters()
    {
        SessionKeys keys = new SessionKeys("", "_a b", "h\r\n\t\u0000\u007f");
        assertEquals("_a%20b_h%0D%0A%09%00%7F_" + ID, keys.primary(ID));
        assertAllKeysValid(keys, ID);
    }

    @Test
    void keepsSafeCharactersAsIs()
    {
        SessionKeys keys = new SessionKeys("", "_A-z.0~9_", "Host-1.example.COM");
        assertEquals("_A-z.0~9__Host-1.example.COM_", keys.scope());
    }

    @Test
    void escapesOtherPunctuation()
    {
        SessionKeys keys = new SessionKeys("", "_%#/?", "*.example.com");
        assertEquals("_%25%23%2F%3F_%2A.example.com_", keys.scope());
        assertAllKeysValid(keys, ID);
    }

    @Test
    void nullVhostIsEmpty()
    {
        SessionKeys keys = new SessionKeys("", "_ctx", null);
        assertAllKeysValid(keys, ID);
        assertEquals("_ctx__" + ID, keys.primary(ID));
    }

    @Test
    void longContextIsHashed()
    {
        String longContext = "_" + "x".repeat(200);
        SessionKeys keys = new SessionKeys("", longContext, "0.0.0.0");
        assertTrue(keys.scope().matches("#[0-9a-f]{32}_"), keys.scope());
        assertEquals(keys.scope() + ID, keys.primary(ID));
        assertEquals("bak:" + keys.scope() + ID, keys.backup(ID));
        assertEquals("lock:" + keys.scope() + ID, keys.lock(ID));
        assertAllKeysValid(keys, LONGEST_ID);
        // deterministic: every Jetty computes the same key
        assertEquals(keys.scope(), new SessionKeys("", longContext, "0.0.0.0").scope());
    }

    @Test
    void longContextIsHashedAfterThePrefix()
    {
        String prefix = "P".repeat(64);
        SessionKeys keys = new SessionKeys(prefix, "_" + "x".repeat(200), "0.0.0.0");
        assertTrue(keys.scope().matches(prefix + "#[0-9a-f]{32}_"), keys.scope());
        assertAllKeysValid(keys, LONGEST_ID);
        String lock = keys.lock(LONGEST_ID);
        assertEquals(133, LONGEST_ID.length());
        assertTrue(lock.length() <= 250, () -> lock.length() + ": " + lock);
    }

    @Test
    void escapingCountsTowardsTheLimit()
    {
        // 60 non-ASCII characters: 120 UTF-8 bytes, 360 characters once escaped
        SessionKeys keys = new SessionKeys("", "_" + "\u00e9".repeat(60), "0.0.0.0");
        assertTrue(keys.scope().startsWith("#"), keys.scope());
        assertAllKeysValid(keys, LONGEST_ID);
    }

    @Test
    void shortContextIsNotHashed()
    {
        SessionKeys keys = new SessionKeys("", "_" + "x".repeat(50), "0.0.0.0");
        assertTrue(keys.scope().startsWith("_xxx"), keys.scope());
    }

    @Test
    void everyLengthStaysWithinTheLimit()
    {
        for (String prefix : List.of("", "p:", "P".repeat(64)))
        {
            for (int n = 0; n <= 300; n++)
            {
                SessionKeys keys = new SessionKeys(prefix, "_" + "c".repeat(n), "vhost.example.com");
                assertAllKeysValid(keys, LONGEST_ID);
                assertAllKeysValid(keys, ID);
                SessionKeys longVhost = new SessionKeys(prefix, "_ctx", "v".repeat(n));
                assertAllKeysValid(longVhost, LONGEST_ID);
            }
        }
    }

    @Test
    void distinctContextsAndVhostsGiveDistinctKeys()
    {
        List<SessionKeys> scopes = List.of(
            new SessionKeys("", "_", "0.0.0.0"),
            new SessionKeys("", "_shop", "0.0.0.0"),
            new SessionKeys("", "_shop", "example.com"),
            new SessionKeys("", "_shop", "example.org"),
            new SessionKeys("", "_admin", "example.com"),
            new SessionKeys("p:", "_shop", "example.com"),
            new SessionKeys("", "_" + "x".repeat(200), "0.0.0.0"),
            new SessionKeys("", "_" + "x".repeat(201), "0.0.0.0"),
            new SessionKeys("", "_" + "x".repeat(200), "example.com"),
            new SessionKeys("", "_a", "host:1"),
            new SessionKeys("", "_a", "host%3A1"));
        Set<String> keys = new HashSet<>();
        for (SessionKeys k : scopes)
        {
            assertTrue(keys.add(k.primary(ID)), () -> "duplicate key " + k.primary(ID));
            assertTrue(keys.add(k.backup(ID)), () -> "duplicate key " + k.backup(ID));
            assertTrue(keys.add(k.lock(ID)), () -> "duplicate key " + k.lock(ID));
        }
        assertNotEquals(new SessionKeys("", "_shop", "h").primary(ID), new SessionKeys("", "_shop", "h").primary(ID + "x"));
    }

    /**
     * The separator between context and vhost must not be ambiguous: {@code /a/b} on vhost {@code c} and {@code /a} on
     * vhost {@code b_c} are two different contexts, and share one session id per browser (spec 3.2), so their keys
     * must differ or one context's session overwrites the other's.
     */
    @Test
    void contextVhostBoundaryIsUnambiguous()
    {
        SessionKeys ab = new SessionKeys("", "_a_b", "c");
        SessionKeys a = new SessionKeys("", "_a", "b_c");
        assertNotEquals(ab.primary(ID), a.primary(ID), "context '_a_b' + vhost 'c' vs context '_a' + vhost 'b_c'");
    }
}
