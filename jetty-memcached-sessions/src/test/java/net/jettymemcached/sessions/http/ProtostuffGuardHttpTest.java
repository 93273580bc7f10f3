package net.jettymemcached.sessions.http;

import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import net.jettymemcached.sessions.MemcachedSessionsConfig;
import net.jettymemcached.sessions.codec.WebappClasses;
import net.jettymemcached.sessions.codec.protostuff.ForgedValues;
import net.jettymemcached.sessions.format.EnvelopeInspector;
import net.jettymemcached.sessions.store.SessionKeys;
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
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Protostuff values the encoder never writes, planted in memcached under a live session's key and loaded over HTTP
 * by a Jetty that never saw the session: a 13-byte array bomb, nesting deeper than {@code maxdepth}, and values
 * naming a class that is not Serializable, a class guarded by {@code readObject}, and a Jetty server class. Each is
 * unreadable like any damaged value: 200 and a fresh session, the value replaced by a tombstone, counted, one log
 * line without an {@code Error}, and no code of the named class runs. A value that does exhaust the heap (caps raised
 * by the operator) is unreadable too.
 */
class ProtostuffGuardHttpTest
{
    private static final SessionKeys KEYS = new SessionKeys("", "_", "0.0.0.0");
    private static final String TRACE = """
        package evil;
        /** Records that code of a webapp class ran, per class loader: the forger's and the reading webapp's differ. */
        public final class Trace {
            public static void ran(String what) {
                System.setProperty("ran." + Trace.class.getClassLoader().getName() + "." + what, "yes");
            }
        }
        """;
    private static final String UNSERIALIZABLE = """
        package evil;
        public class Unserializable implements java.util.function.Supplier<String> {
            static { Trace.ran("Unserializable.static"); }
            public String payload = "boom";
            public Unserializable() { Trace.ran("Unserializable.constructor"); }
            public String get() { Trace.ran("Unserializable.get"); return payload; }
            public int hashCode() { Trace.ran("Unserializable.hashCode"); return 1; }
        }
        """;
    private static final String GUARDED = """
        package evil;
        public class Guarded implements java.io.Serializable, java.util.function.Supplier<String> {
            static { Trace.ran("Guarded.static"); }
            private int balance;
            public Guarded(int balance) { Trace.ran("Guarded.constructor"); this.balance = balance; }
            private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
                Trace.ran("Guarded.readObject");
                in.defaultReadObject();
                if (balance < 0) throw new java.io.InvalidObjectException("negative balance");
            }
            public String get() { Trace.ran("Guarded.get"); return "balance " + balance; }
        }
        """;

    @TempDir
    static Path tmp;
    private static Path classes;

    private MemcachedNodes nodes;
    private JettyNode first;
    private JettyNode second;
    private LogCapture log;

    /** What is planted, each a kind of value the encoder never writes. */
    enum Forged
    {
        ARRAY_BOMB, DEEPER_THAN_MAXDEPTH, DEEP_ENOUGH_TO_OVERFLOW_THE_STACK, NOT_SERIALIZABLE, GUARDED_BY_READ_OBJECT, JETTY_SERVER_CLASS
    }

    @BeforeAll
    static void compile()
    {
        classes = WebappClasses.compile(tmp, Map.of("evil.Trace", TRACE, "evil.Unserializable", UNSERIALIZABLE, "evil.Guarded", GUARDED));
    }

    @BeforeEach
    void start()
    {
        nodes = MemcachedNodes.start(1);
        log = new LogCapture();
    }

    @AfterEach
    void stop() throws Exception
    {
        log.close();
        if (second != null)
            second.close();
        if (first != null)
            first.close();
        nodes.close();
        System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith("ran.")).forEach(System::clearProperty);
    }

    private static ClassLoader webapp(String name) throws Exception
    {
        return new URLClassLoader(name, new java.net.URL[]{classes.toUri().toURL()}, ProtostuffGuardHttpTest.class.getClassLoader());
    }

    private static byte[] bytes(Forged forged) throws Exception
    {
        ClassLoader forger = webapp("forger");
        return switch (forged)
        {
            case ARRAY_BOMB -> ForgedValues.hex(ForgedValues.ARRAY_BOMB);
            case DEEPER_THAN_MAXDEPTH -> ForgedValues.nestedLists(600);
            case DEEP_ENOUGH_TO_OVERFLOW_THE_STACK -> ForgedValues.nestedLists(20_000);
            case NOT_SERIALIZABLE -> ForgedValues.holding(forger.loadClass("evil.Unserializable").getConstructor().newInstance());
            case GUARDED_BY_READ_OBJECT -> ForgedValues.holding(forger.loadClass("evil.Guarded").getConstructor(int.class).newInstance(-100));
            case JETTY_SERVER_CLASS -> ForgedValues.pojoNamed(org.eclipse.jetty.server.Server.class.getName());
        };
    }

    private static String clusterId(String cookie)
    {
        return cookie.substring(0, cookie.lastIndexOf('.'));
    }

    @ParameterizedTest
    @EnumSource(Forged.class)
    void forgedValueGivesAFreshSessionAndIsDeleted(Forged forged) throws Exception
    {
        List<String> lines = loadForged(bytes(forged), c -> {});
        assertFalse(lines.stream().anyMatch(line -> line.contains("OutOfMemoryError") || line.contains("StackOverflowError")), () -> "no Error: " + lines);
        List<String> ran = System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith("ran.webapp-w2.")).toList();
        assertEquals(List.of(), ran, "no code of the named class ran in the reading webapp");
    }

    @Test
    void aValueThatExhaustsTheHeapWithinRaisedCapsIsUnreadableNotA500() throws Exception
    {
        long heap = Runtime.getRuntime().maxMemory();
        assumeTrue(heap / Long.BYTES < Integer.MAX_VALUE - 1, "a long[] can outgrow this heap");
        int length = (int)(heap / Long.BYTES + 1);
        List<String> lines = loadForged(ForgedValues.longArray(length), c -> c.setDeserializationFilter("maxarray=" + (Integer.MAX_VALUE - 1)));
        assertTrue(lines.stream().anyMatch(line -> line.contains("unreadable") && line.contains("OutOfMemoryError")), () -> "the reason is logged: " + lines);
    }

    /**
     * Plants the value as the only attribute of a session written by one Jetty and loads it through another.
     * @return the log lines, after checking that the value was unreadable: 200 and a fresh session, counted,
     * replaced by a tombstone, logged once
     */
    private List<String> loadForged(byte[] forged, Consumer<MemcachedSessionsConfig> reading) throws Exception
    {
        SessionClient browser = new SessionClient();
        first = CodecJetty.start("w1", nodes.nodesProperty(), webapp("webapp-w1"), c -> {});
        String cookie = browser.get(first.uri("/app/set?name=colour&value=blue")).setCookie().orElseThrow();
        first.close(); // its writes are done before the value is replaced
        first = null;
        String id = clusterId(cookie);
        String key = KEYS.primary(id);
        try (MemcachedTextClient memcached = MemcachedTextClient.of(nodes.node("n1")))
        {
            assertTrue(memcached.set(key, ForgedValues.storedValueWith(memcached.get(key), id, "_", "forged", forged), 600));
        }

        second = CodecJetty.start("w2", nodes.nodesProperty(), webapp("webapp-w2"), reading);
        SessionClient.Reply reply = browser.get(second.uri("/app/get"));
        assertEquals(200, reply.status(), reply.body());
        String fresh = reply.setCookie().orElseThrow(() -> new AssertionError("no fresh session: " + reply.body()));
        assertNotEquals(id, clusterId(fresh));
        assertNull(reply.value("forged"));
        assertEquals(1, second.cluster().statistics().getUnreadableSessions());
        try (MemcachedTextClient memcached = MemcachedTextClient.of(nodes.node("n1")))
        {
            assertTrue(EnvelopeInspector.noSession(memcached.get(key)), "the forged value is replaced by a tombstone");
        }
        List<String> lines = log.lines();
        assertEquals(1, lines.stream().filter(line -> line.contains(id) && line.contains("unreadable")).count(), () -> "logged once: " + lines);
        return lines;
    }
}
