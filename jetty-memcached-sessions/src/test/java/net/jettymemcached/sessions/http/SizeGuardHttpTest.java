package net.jettymemcached.sessions.http;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import net.jettymemcached.sessions.format.EnvelopeInspector;
import net.jettymemcached.sessions.store.MemcachedSessionDataStore;
import net.jettymemcached.sessions.store.SessionKeys;
import net.jettymemcached.sessions.format.StoredValue;
import net.jettymemcached.sessions.testing.MemcachedNodes;
import net.jettymemcached.sessions.testing.MemcachedTextClient;
import org.eclipse.jetty.logging.JettyLoggerFactory;
import org.eclipse.jetty.logging.StdErrAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Spec 3.7 size guard over HTTP: an attribute that pushes the session over {@code maxSessionSize.bytes} is not
 * written; the request still succeeds, the earlier stored copy stays and loads elsewhere, one log line names the
 * session and the attribute, and the refusal is counted.
 */
class SizeGuardHttpTest
{
    private MemcachedNodes nodes;
    private JettyNode first;
    private JettyNode second;
    private StdErrAppender appender;
    private PrintStream originalStream;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void start()
    {
        nodes = MemcachedNodes.start(1);
        appender = (StdErrAppender)((JettyLoggerFactory)LoggerFactory.getILoggerFactory())
            .getJettyLogger(MemcachedSessionDataStore.class.getName()).getAppender();
        originalStream = appender.getStream();
        appender.setStream(new PrintStream(new Tee(originalStream == null ? System.err : originalStream, log), true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void stop() throws Exception
    {
        appender.setStream(originalStream);
        if (second != null)
            second.close();
        if (first != null)
            first.close();
        nodes.close();
    }

    @Test
    void oversizedSessionKeepsItsPreviousCopy() throws Exception
    {
        first = CodecJetty.start("w1", nodes.nodesProperty(), null, c -> c.setMaxSessionSizeBytes(20_000));
        SessionClient browser = new SessionClient();
        String cookie = browser.get(first.uri("/app/set?name=colour&value=blue")).setCookie().orElseThrow();
        String id = cookie.substring(0, cookie.lastIndexOf('.'));

        SessionClient.Reply reply = browser.get(first.uri("/app/bytes?name=photo&kb=40"));
        assertEquals(200, reply.status(), "the request does not fail");
        assertEquals("40960 bytes", reply.value("photo"), "the session in memory keeps the attribute");
        browser.get(first.uri("/app/bytes?name=photo&kb=41"));
        first.close();
        long refusals = first.cluster().statistics().getOversizedSessions();
        assertTrue(refusals >= 2, "every refused write is counted (Jetty may store twice per request): " + refusals);

        String lines = log.toString(StandardCharsets.UTF_8);
        String refusal = lines.lines().filter(l -> l.contains("not written")).findFirst().orElseThrow(() -> new AssertionError(lines));
        assertTrue(refusal.contains(id) && refusal.contains("photo=") && refusal.contains("colour="), refusal);
        assertEquals(1, lines.lines().filter(l -> l.contains("not written")).count(), "logged once per session");

        try (MemcachedTextClient memcached = MemcachedTextClient.of(nodes.node("n1")))
        {
            byte[] envelope = StoredValue.parse(memcached.get(new SessionKeys("", "_", "0.0.0.0").primary(id))).envelope();
            assertEquals(Map.of("colour", "text"), EnvelopeInspector.codecs(envelope), "the earlier copy");
        }
        second = CodecJetty.start("w2", nodes.nodesProperty(), null, c -> c.setMaxSessionSizeBytes(20_000));
        reply = browser.get(second.uri("/app/get"));
        assertEquals(id, reply.value("id"));
        assertEquals("blue", reply.value("colour"));
        assertNull(reply.value("photo"));
    }

    /** Copies log output to the console and to the test. */
    private static final class Tee extends OutputStream
    {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b)
        {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws java.io.IOException
        {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) throws java.io.IOException
        {
            a.write(bytes, offset, length);
            b.write(bytes, offset, length);
        }
    }
}
