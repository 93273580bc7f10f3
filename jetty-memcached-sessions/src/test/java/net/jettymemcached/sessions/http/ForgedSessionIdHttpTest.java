package net.jettymemcached.sessions.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import net.jettymemcached.sessions.testing.MemcachedNodes;
import org.eclipse.jetty.http.CookieCompliance;
import net.jettymemcached.sessions.testing.MemcachedProcess;
import net.jettymemcached.sessions.testing.MemcachedTextClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Forged and malformed session ids (spec §3.8) over raw HTTP: each gets 200 and a fresh well-formed session, and none
 * of them reaches memcached (no get at all; exactly the two sets of each fresh session; every stored key is sane).
 */
class ForgedSessionIdHttpTest
{
    private static final Pattern FRESH = Pattern.compile("^[A-Za-z0-9_]+-n[0-9]+\\.w1$");
    private static final Pattern SANE_KEY = Pattern.compile("^(bak:)?__0\\.0\\.0\\.0_[A-Za-z0-9_]+-n[0-9]+$");

    private MemcachedNodes nodes;
    private JettyNode w1;

    @BeforeEach
    void start() throws Exception
    {
        nodes = MemcachedNodes.start(3);
    }

    /** No background probe during the test, so that every memcached get would come from a request. */
    private void startJetty(CookieCompliance compliance) throws Exception
    {
        w1 = JettyNode.start("w1", nodes.nodesProperty(), c -> c.setNodeProbeIntervalMillis(600_000),
            http -> http.setRequestCookieCompliance(compliance));
    }

    @AfterEach
    void stop() throws Exception
    {
        if (w1 != null)
            w1.close();
        nodes.close();
    }

    static List<byte[]> forgedIds()
    {
        String valid = "abcdefghijklmnopqrstu";
        List<String> templates = List.of(
            valid + "-n9.w1",                       // unknown node
            valid + "-zz",                          // unknown node, no worker
            valid + "%0D%0A-n1.w1",                 // encoded CR/LF
            valid + "%0d%0aSet-Cookie:x-n1",        // header injection attempt
            "\"" + valid + " x-n1.w1\"",            // space inside a quoted value
            valid + "\t-n1",                        // tab
            "a".repeat(300) + "-n1.w1",             // over-long
            "a".repeat(300),                        // over-long without node
            valid + "\u00e9-n1.w1",                 // non-ASCII
            "\u65e5\u672c-n1",                      // non-ASCII only
            "",                                     // empty
            "-",                                    // dash only
            ".",                                    // dot only
            valid + "-n1-n2-n3.w1",                 // many dashes
            "a.b.c.d.e-n1.w1",                      // many dots
            "...---...",                            // dots and dashes
            "-n1.w1",                               // no random part
            valid + "-.w1",                         // no node
            valid + "-n1..w1",                      // double dot
            valid + "-n1%00",                       // encoded NUL
            "../../etc/passwd-n1",                  // path
            valid + "-n1 get x",                    // memcached command injection
            valid + "-N1.w1",                       // node id with wrong case
            valid + "-n1," + valid + "-n2");        // two ids
        Random random = new Random(42);
        List<byte[]> ids = new ArrayList<>();
        for (int i = 0; i < 200; i++)
        {
            String template = templates.get(i % templates.size());
            String variant = i < templates.size() ? template : template.replace("abcdefghij", Long.toString(random.nextLong() & Long.MAX_VALUE, 36));
            ids.add(variant.getBytes(StandardCharsets.UTF_8));
        }
        return ids;
    }

    private long sum(String stat)
    {
        return nodes.sumStat(stat);
    }

    /**
     * With a cookie compliance that ignores invalid cookies, every forged id reaches the session code, and every
     * one gets 200 and a fresh session.
     */
    @Test
    void forgedIdsGetAFreshSessionAndNeverReachMemcached() throws Exception
    {
        startJetty(CookieCompliance.RFC6265_LEGACY);
        long getsBefore = sum("cmd_get");
        long setsBefore = sum("cmd_set");
        List<byte[]> forged = forgedIds();
        for (byte[] id : forged)
        {
            RawHttp.Reply reply = RawHttp.get(w1.port(), "/app/get", id);
            String shown = new String(id, StandardCharsets.UTF_8);
            assertEquals(200, reply.status(), "status for forged id '" + shown + "': " + reply.raw());
            String fresh = reply.setCookie().orElseThrow(() -> new AssertionError("no fresh session for '" + shown + "'"));
            assertTrue(FRESH.matcher(fresh).matches(), "fresh id " + fresh + " for '" + shown + "'");
        }
        assertEquals(0, sum("cmd_get") - getsBefore, "no forged id was looked up in memcached");
        // Each fresh session is written at response commit and at request end (primary + backup each time).
        long sets = sum("cmd_set") - setsBefore;
        assertTrue(sets >= 2L * forged.size() && sets <= 4L * forged.size(), "only the fresh sessions were written: " + sets);
        int keys = 0;
        for (MemcachedProcess node : nodes.all())
        {
            try (MemcachedTextClient client = MemcachedTextClient.of(node))
            {
                for (String key : client.keys())
                {
                    assertTrue(SANE_KEY.matcher(key).matches(), "unexpected key " + key + " on " + node.nodeId());
                    keys++;
                }
            }
        }
        assertEquals(2 * forged.size(), keys, "primary and backup of each fresh session, nothing else");
        assertTrue(w1.cluster().statistics().getRejectedIds() > 0, w1.cluster().statistics().toString());
        assertEquals(0, w1.cluster().statistics().getWriteFailures());
    }

    /**
     * Jetty's default cookie compliance (RFC 6265) answers 400 "Invalid cookie" for cookies with characters RFC 6265
     * forbids, before any session code runs. Everything else gets 200 and a fresh session; nothing is a 5xx and
     * nothing reaches memcached.
     */
    @Test
    void withJettysDefaultCookieComplianceForgedIdsNeverCauseA5xxNorAMemcachedRead() throws Exception
    {
        startJetty(CookieCompliance.RFC6265);
        long getsBefore = sum("cmd_get");
        int fresh = 0;
        for (byte[] id : forgedIds())
        {
            RawHttp.Reply reply = RawHttp.get(w1.port(), "/app/get", id);
            String shown = new String(id, StandardCharsets.UTF_8);
            if (reply.status() == 400)
            {
                assertTrue(reply.raw().contains("Invalid cookie"), "only Jetty's cookie parser may refuse '" + shown + "': " + reply.raw());
                continue;
            }
            assertEquals(200, reply.status(), "status for forged id '" + shown + "'");
            assertTrue(FRESH.matcher(reply.setCookie().orElseThrow()).matches());
            fresh++;
        }
        assertTrue(fresh >= 150, "most forged ids reach the session code: " + fresh);
        assertEquals(0, sum("cmd_get") - getsBefore, "no forged id was looked up in memcached");
    }
}
