package net.jettymemcached.sessions.store;

import net.jettymemcached.sessions.format.EnvelopeInspector;
import java.nio.charset.StandardCharsets;

import net.jettymemcached.sessions.MemcachedCluster;
import net.jettymemcached.sessions.MemcachedSessions;
import net.jettymemcached.sessions.MemcachedSettings;
import net.jettymemcached.sessions.codec.JavaAttributeCodec;
import net.jettymemcached.sessions.format.SessionEnvelope;
import net.jettymemcached.sessions.format.StoredValue;
import net.jettymemcached.sessions.MemcachedSessionsConfig;
import net.jettymemcached.sessions.testing.MemcachedNodes;
import net.jettymemcached.sessions.testing.MemcachedProcess;
import net.jettymemcached.sessions.testing.MemcachedTextClient;
import org.eclipse.jetty.session.AbstractSessionDataStoreTest;
import org.eclipse.jetty.session.SessionData;
import org.eclipse.jetty.session.SessionDataStoreFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jetty's own {@code SessionDataStore} conformance suite ({@link AbstractSessionDataStoreTest} from the
 * {@code jetty-session} tests jar) run unchanged against {@link MemcachedSessionDataStore} and a real memcached
 * process, with synchronous writes so that every raw check sees the data at once.
 * <p>
 * The suite hard-codes ids such as {@code "aaa1"} or {@code "001"} that name no memcached node, so it runs with a
 * single node configured without id ({@code host:port}), where ids carry no node (spec §3.1). Primary/backup
 * placement and failover are covered by the HTTP tests. Only the three tests that need key enumeration are
 * disabled.
 */
public class MemcachedSessionDataStoreTest extends AbstractSessionDataStoreTest
{
    /** Long enough that data the suite persists as "expired hours ago" is not removed by memcached during the test. */
    private static final int PERSIST_TTL_SEC = 3600;
    private static final SessionEnvelope ENVELOPE = new SessionEnvelope(new JavaAttributeCodec());
    private static MemcachedNodes nodes;

    private MemcachedSessionsConfig config;

    public MemcachedSessionDataStoreTest() throws Exception
    {
        super();
    }

    @BeforeAll
    public static void startMemcached()
    {
        nodes = MemcachedNodes.start(1);
    }

    @AfterAll
    public static void stopMemcached()
    {
        if (nodes != null)
            nodes.close();
        nodes = null;
    }

    /** Runs before the suite's own {@code setUp()}, which every test calls itself. */
    @BeforeEach
    public void flushAllNodes()
    {
        for (MemcachedProcess node : nodes.all())
        {
            try (MemcachedTextClient client = MemcachedTextClient.of(node))
            {
                client.flushAll();
            }
        }
    }

    @Override
    public SessionDataStoreFactory createSessionDataStoreFactory()
    {
        MemcachedProcess node = nodes.node(0);
        config = new MemcachedSessionsConfig();
        config.setNodes(node.host() + ":" + node.port());
        config.setSticky(true);
        config.setBackupAsync(false);
        MemcachedCluster cluster = new MemcachedCluster(_server, MemcachedSettings.parse(config));
        MemcachedSessions.addCluster(_server, cluster);
        return new MemcachedSessionDataStoreFactory(cluster.storeParts());
    }

    /** The key of {@code data} (its own context and vhost) on the single node. */
    private record Location(MemcachedProcess node, String key)
    {
    }

    private Location primaryOf(SessionData data)
    {
        SessionKeys keys = new SessionKeys(config.getKeyPrefix(), data.getContextPath(), data.getVhost());
        return new Location(nodes.node(0), keys.primary(data.getId()));
    }

    private static byte[] rawGet(Location at)
    {
        try (MemcachedTextClient client = MemcachedTextClient.of(at.node()))
        {
            return client.get(at.key());
        }
    }

    private static void rawSet(Location at, byte[] value)
    {
        try (MemcachedTextClient client = MemcachedTextClient.of(at.node()))
        {
            assertTrue(client.set(at.key(), value, PERSIST_TTL_SEC), "memcached did not store " + at.key());
        }
    }

    @Override
    public void persistSession(SessionData data) throws Exception
    {
        byte[] value;
        ClassLoader old = Thread.currentThread().getContextClassLoader();
        try
        {
            Thread.currentThread().setContextClassLoader(_contextClassLoader);
            value = StoredValue.frame(ENVELOPE.encode(data));
        }
        finally
        {
            Thread.currentThread().setContextClassLoader(old);
        }
        rawSet(primaryOf(data), value);
    }

    @Override
    public void persistUnreadableSession(SessionData data) throws Exception
    {
        rawSet(primaryOf(data), "this is not a session envelope".getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public boolean checkSessionExists(SessionData data) throws Exception
    {
        // A tombstone (what an ended session leaves) is not a session.
        return !EnvelopeInspector.noSession(rawGet(primaryOf(data)));
    }

    /** Reads the primary copy raw and asserts that every field and attribute equals {@code data}'s. */
    @Override
    public boolean checkSessionPersisted(SessionData data) throws Exception
    {
        Location at = primaryOf(data);
        byte[] value = rawGet(at);
        assertNotNull(value, "no value under " + at.key() + " on " + at.node().nodeId());

        SessionData stored = new SessionData(data.getId(), data.getContextPath(), data.getVhost(), 0, 0, 0, 0);
        ClassLoader old = Thread.currentThread().getContextClassLoader();
        try
        {
            Thread.currentThread().setContextClassLoader(_contextClassLoader);
            StoredValue parsed = StoredValue.parse(value);
            ENVELOPE.decode(parsed.envelope(), stored);
            if (parsed.latestAccess() != null)
                parsed.latestAccess().applyTo(stored); // a store that only refreshed access times appended a record
        }
        finally
        {
            Thread.currentThread().setContextClassLoader(old);
        }

        assertEquals(data.getId(), stored.getId(), "id");
        assertEquals(data.getContextPath(), stored.getContextPath(), "contextPath");
        assertEquals(data.getVhost(), stored.getVhost(), "vhost");
        assertEquals(data.getLastNode(), stored.getLastNode(), "lastNode");
        assertEquals(data.getCreated(), stored.getCreated(), "created");
        assertEquals(data.getAccessed(), stored.getAccessed(), "accessed");
        assertEquals(data.getLastAccessed(), stored.getLastAccessed(), "lastAccessed");
        assertEquals(data.getCookieSet(), stored.getCookieSet(), "cookieSet");
        assertEquals(data.getExpiry(), stored.getExpiry(), "expiry");
        assertEquals(data.getMaxInactiveMs(), stored.getMaxInactiveMs(), "maxInactiveMs");
        assertEquals(data.getLastSaved(), stored.getLastSaved(), "lastSaved");
        assertEquals(data.getKeys(), stored.getKeys(), "attribute names");
        for (String name : data.getKeys())
        {
            // equals() of the original: the suite's webapp classes (Foo, the Proxyable proxy) define it that way round
            assertTrue(data.getAttribute(name).equals(stored.getAttribute(name)), "attribute " + name);
        }
        return true;
    }

    @Override
    @Test
    @Disabled("memcached cannot enumerate keys: with no candidate ids, getExpired() would have to find this " +
        "context's expired sessions aaa13/aaa14 that no session cache knows of (doGetExpired); our doGetExpired " +
        "returns nothing and memcached's expiry time removes such values instead")
    public void testGetExpiredPersistedAndExpiredOnly() throws Exception
    {
        super.testGetExpiredPersistedAndExpiredOnly();
    }

    @Override
    @Test
    @Disabled("memcached cannot enumerate keys: with no candidate ids, getExpired() would have to find session " +
        "aaa15, expired and last managed by node 'other', by searching the store (doGetExpired); our doGetExpired " +
        "returns nothing and memcached's expiry time removes such values instead")
    public void testGetExpiredDifferentNode() throws Exception
    {
        super.testGetExpiredDifferentNode();
    }

    @Override
    @Test
    @Disabled("memcached cannot enumerate keys: cleanOrphans() would have to find and delete sessions of any " +
        "context that expired long ago (001, 005) by searching the store; our doCleanOrphans does nothing and " +
        "memcached's expiry time removes such values instead")
    public void testCleanOrphans() throws Exception
    {
        super.testCleanOrphans();
    }
}
