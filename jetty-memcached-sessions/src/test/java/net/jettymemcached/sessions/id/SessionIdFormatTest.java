package net.jettymemcached.sessions.id;

import java.util.Random;
import java.util.regex.Pattern;

import net.jettymemcached.sessions.node.NodeList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Spec 3.1 (id format) and 3.8 (bad input): anything that is not an id this cluster could have made parses to null. */
class SessionIdFormatTest
{
    private static final Pattern BUILT_ID = Pattern.compile("^[A-Za-z0-9_]+-n[0-9]+$");
    /** What Jetty's DefaultSessionIdManager makes: worker name + base-36 random. */
    private static final String RANDOM = "node0abc123def456ghi789jkl";

    private final SessionIdFormat format = new SessionIdFormat(NodeList.parse("n1:localhost:11211 n2:localhost:11212 n10:localhost:11213", ""));
    private final SessionIdFormat anonymous = new SessionIdFormat(NodeList.parse("localhost:11211", ""));

    private static String repeat(char c, int n)
    {
        return String.valueOf(c).repeat(n);
    }

    @Test
    void parsesIdsOfConfiguredNodes()
    {
        SessionId id = format.parse(RANDOM + "-n1");
        assertNotNull(id);
        assertEquals(RANDOM, id.random());
        assertEquals("n1", id.nodeId());
        assertEquals(RANDOM + "-n1", id.clusterId());
        assertEquals(RANDOM + "-n1", id.toString());

        assertEquals(new SessionId(RANDOM, "n2"), format.parse(RANDOM + "-n2"));
        assertEquals(new SessionId(RANDOM, "n10"), format.parse(RANDOM + "-n10"));
        assertEquals(new SessionId("A_b_C_0123456789xyz", "n1"), format.parse("A_b_C_0123456789xyz-n1"));
    }

    @Test
    void randomPartLengthBounds()
    {
        assertNotNull(format.parse(repeat('a', 16) + "-n1"));
        assertNull(format.parse("-n1"), "no random part");
        assertNotNull(format.parse(repeat('a', 100) + "-n1"), "100 characters is the maximum");
        assertNull(format.parse(repeat('a', 101) + "-n1"), "longer than 100");
    }

    /**
     * Spec 3.8 does not list short ids as bad input, and SessionIdFormat deliberately accepts a random part from 1
     * character (a short id is a well-formed key that finds nothing; Jetty's conformance tests use short ids). What
     * matters is that a short id never becomes a malformed key.
     */
    @Test
    void shortRandomPartIsWellFormed()
    {
        for (String id : new String[]{repeat('a', 15) + "-n1", "abc-n1", "a-n2"})
        {
            SessionId parsed = format.parse(id);
            if (parsed != null)
            {
                assertEquals(id, parsed.clusterId());
                assertTrue(BUILT_ID.matcher(parsed.clusterId()).matches(), id);
            }
        }
        SessionId anon = anonymous.parse("short");
        if (anon != null)
            assertEquals("short", anon.clusterId());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "-n3",          // unknown node
        "-N1",          // node ids are case-sensitive
        "-n01",
        "-",            // no node
        "",             // no node, no dash: not valid when nodes have ids
        "-n1\r\n",
        "-n1\n",
        "\r\nSet-Cookie: x=y-n1",
        "-n1 ",
        " -n1",
        "- n1",
        "-n1.node0",    // the cookie form is not a cluster id
        "-n1.",
        "..-n1",
        "-n1..",
        "--n1",
        "-n1--",
        "-b-c-n1",
        "-n1-n2",
        "-n1;",
        "-n1%0d%0a",
        "é-n1",
        "-nö",
        "\u0000-n1",
        "/../-n1",
    })
    void rejectsMalformedIds(String suffix)
    {
        String id = RANDOM + suffix;
        assertNull(format.parse(id), () -> "should reject '" + id + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        " ",
        "\r\n",
        "..",
        "--",
        ".",
        "-",
        "a-b-c-n1",
        "a.b.c-n1",
        "n1",
        "-n1",
        "ABCDEFGHIJKLMNOPQRSTUVWX-n1.a.b.c",
        "abcdefghijklmnopqrstuvwxyz-n1-",
        "abcdefghijklmnopqrstuvwxyz--n1",
        "abcdefghijklmnopqrstuvwxyz-n1 abcdefghijklmnopqrstuvwxyz-n1",
        "äbcdefghijklmnopqrstuvwxyz-n1",
        "abcdefghijklmnopqrstuvwxyz-n１",
        "ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐ-n1",
    })
    void rejectsWholeMalformedIds(String id)
    {
        assertNull(format.parse(id), () -> "should reject '" + id + "'");
    }

    /** A retired node's sessions are looked for where their copies can be: its ids parse; unknown nodes' do not. */
    @Test
    void idsOfRetiredNodesParseAndUnknownNodesAreNamedForTheLog()
    {
        SessionIdFormat withRetired = new SessionIdFormat(NodeList.parse("n1:localhost:11211 n3:localhost:11213", "", "n2 n4:localhost:11214"));
        assertEquals(new SessionId(RANDOM, "n2"), withRetired.parse(RANDOM + "-n2"));
        assertEquals(new SessionId(RANDOM, "n4"), withRetired.parse(RANDOM + "-n4"));
        assertNull(withRetired.parse(RANDOM + "-n5"));
        assertEquals("n5", withRetired.unknownNodeOf(RANDOM + "-n5"));
        assertNull(withRetired.unknownNodeOf(RANDOM + "-n2"), "retired: known");
        assertNull(withRetired.unknownNodeOf(RANDOM + "-n5\r\n"), "not a node id");
        assertNull(withRetired.unknownNodeOf("é" + "-n5"), "not an id");
        assertNull(withRetired.unknownNodeOf(RANDOM + "-n5.w1"), "the cookie form is not a cluster id");
    }

    @Test
    void rejectsNull()
    {
        assertNull(format.parse(null));
        assertNull(anonymous.parse(null));
    }

    @Test
    void rejectsOverLongIds()
    {
        assertNull(format.parse(repeat('a', 300)));
        assertNull(format.parse(repeat('a', 300) + "-n1"));
        assertNull(format.parse(repeat('a', 297) + "-n1"));
        assertNull(anonymous.parse(repeat('a', 300)));
        assertNull(format.parse(RANDOM + "-n1" + repeat('x', 300)));
    }

    @Test
    void anonymousModeAcceptsPlainRandom()
    {
        SessionId id = anonymous.parse(RANDOM);
        assertNotNull(id);
        assertEquals(RANDOM, id.random());
        assertEquals("", id.nodeId());
        assertEquals(RANDOM, id.clusterId());
        assertNotNull(anonymous.parse(repeat('z', 16)));
        assertNotNull(anonymous.parse(repeat('z', 100)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "node0abc123def456ghi789jkl-n1",
        "node0abc123def456ghi789jkl-",
        "node0abc123def456ghi789jkl.node0",
        "node0abc123def456ghi789jkl ",
        "node0abc123def456ghi789jkl\r\n",
        "",
        "..",
        "--",
        "äbcdefghijklmnopqrstuvwxyz",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", // 101
    })
    void anonymousModeRejectsIdsWithNodeOrBadCharacters(String id)
    {
        assertNull(anonymous.parse(id), () -> "should reject '" + id + "'");
    }

    @Test
    void randomPartStripsUnsafeCharacters()
    {
        assertEquals("node0abc123", SessionIdFormat.randomPart("node0abc123"));
        assertEquals("node0abc123", SessionIdFormat.randomPart("node0.abc-123"));
        assertEquals("my_workerabc", SessionIdFormat.randomPart("my_worker abc"));
        assertEquals("abcdef", SessionIdFormat.randomPart("a\rb\nc d\te/f"));
        assertEquals("abc", SessionIdFormat.randomPart("äaöbüc€"));
        assertEquals("", SessionIdFormat.randomPart("-.. --"));
    }

    @Test
    void randomPartCapsLengthAt100()
    {
        String longId = "w" + repeat('a', 60) + "-" + repeat('b', 80);
        String random = SessionIdFormat.randomPart(longId);
        assertEquals(100, random.length());
        assertTrue(random.matches("[A-Za-z0-9_]+"), random);
        assertEquals(100, SessionIdFormat.randomPart(repeat('x', 1000)).length());
        assertEquals(99, SessionIdFormat.randomPart(repeat('x', 99)).length());
    }

    @Test
    void workerOf()
    {
        assertEquals("node0", SessionIdFormat.workerOf(RANDOM + "-n1.node0"));
        assertEquals("w2", SessionIdFormat.workerOf(RANDOM + ".w2"));
        assertNull(SessionIdFormat.workerOf(RANDOM + "-n1"));
        assertNull(SessionIdFormat.workerOf(null));
        assertNull(SessionIdFormat.workerOf(""));
        assertNull(SessionIdFormat.workerOf(".node0"), "no cluster id before the dot");
    }

    @Test
    void onNodeKeepsRandomPart()
    {
        SessionId id = format.parse(RANDOM + "-n1");
        SessionId moved = id.onNode("n2");
        assertEquals(RANDOM, moved.random());
        assertEquals("n2", moved.nodeId());
        assertEquals(RANDOM + "-n2", moved.clusterId());
        assertEquals(moved, format.parse(moved.clusterId()));
        assertEquals(id, moved.onNode("n1"));
        assertEquals(moved, id.onNode("n2"), "deterministic");
    }

    @Test
    void builtIdsMatchTheIdPatternAndParseBack()
    {
        Random rnd = new Random(42);
        String[] workers = {"node0", "node1", "my-worker.1", "w_2", ""};
        String[] nodes = {"n1", "n2", "n10"};
        for (int i = 0; i < 500; i++)
        {
            String jettyId = workers[i % workers.length] + Long.toString(rnd.nextLong() & Long.MAX_VALUE, 36) + Long.toString(rnd.nextLong() & Long.MAX_VALUE, 36);
            String random = SessionIdFormat.randomPart(jettyId);
            SessionId built = new SessionId(random, nodes[i % nodes.length]);
            String clusterId = built.clusterId();
            assertTrue(BUILT_ID.matcher(clusterId).matches(), clusterId);
            assertEquals(built, format.parse(clusterId), clusterId);
            assertEquals(built.onNode("n2"), format.parse(built.onNode("n2").clusterId()));
        }
    }
}
