package net.jettymemcached.sessions.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;

import net.jettymemcached.sessions.MemcachedSessionsConfig;
import net.jettymemcached.sessions.store.SessionKeys;
import net.jettymemcached.sessions.testing.Await;
import net.jettymemcached.sessions.testing.MemcachedBinaryClient;
import net.jettymemcached.sessions.testing.MemcachedNodes;
import net.jettymemcached.sessions.testing.SaslDatabase;
import org.eclipse.jetty.jmx.MBeanContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SASL against real {@code memcached -S} processes whose password database the test makes ({@code saslpasswd2}),
 * over real HTTP: the right credentials store and read sessions; a refused login is logged once as an
 * authentication failure (never with the password), counted, given as the reason the node is down, and requests are
 * still answered (sticky mode serves from memory).
 */
class SaslHttpTest
{
    private static final String USER = "alice";
    private static final String PASSWORD = "s3cret-Pa55";
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Context "/" (canonical "_"), no virtual host. */
    private static final SessionKeys KEYS = new SessionKeys("", "_", "0.0.0.0");

    private final List<AutoCloseable> open = new ArrayList<>();
    private final MBeanServer mbeans = MBeanServerFactory.newMBeanServer();

    @AfterEach
    void stop() throws Exception
    {
        // Jettys first, then memcached, then the database: the reverse of the order they were opened in.
        for (int i = open.size() - 1; i >= 0; i--)
            open.get(i).close();
    }

    private <T extends AutoCloseable> T opened(T resource)
    {
        open.add(resource);
        return resource;
    }

    private SaslDatabase database(String mechList)
    {
        return opened(SaslDatabase.create(mechList)).user(USER, PASSWORD);
    }

    private JettyNode jetty(String worker, MemcachedNodes nodes, String password, Consumer<MemcachedSessionsConfig> more) throws Exception
    {
        JettyNode jetty = opened(JettyNode.start(worker, nodes.nodesProperty(), c ->
        {
            c.setProtocol("binary");
            c.setUsername(USER);
            c.setPassword(password);
            more.accept(c);
        }));
        jetty.server().addBean(new MBeanContainer(mbeans));
        return jetty;
    }

    /** The attribute of every MBean matching the pattern (one per Jetty). */
    private List<Object> attributes(String pattern, String attribute)
    {
        try
        {
            Set<ObjectName> names = mbeans.queryNames(new ObjectName(pattern), null);
            assertTrue(!names.isEmpty(), "no MBean " + pattern);
            List<Object> values = new ArrayList<>();
            for (ObjectName name : names)
                values.add(mbeans.getAttribute(name, attribute));
            return values;
        }
        catch (Exception x)
        {
            throw new AssertionError(pattern + " " + attribute + ": " + x, x);
        }
    }

    private long authenticationFailures()
    {
        return attributes("net.jettymemcached.sessions.stats:type=memcachedsessionstatistics,*", "authenticationFailures").stream()
            .mapToLong(value -> (Long)value).sum();
    }

    /** NodeHealth's reasons over JMX, e.g. {@code [n1: authentication failed (...)]}, for a test with one Jetty. */
    private List<String> downReasons()
    {
        return List.of((String[])attributes("net.jettymemcached.sessions.node:type=nodehealth,*", "downReasons").get(0));
    }

    private static long count(List<String> lines, String... parts)
    {
        return lines.stream().filter(line -> List.of(parts).stream().allMatch(line::contains)).count();
    }

    @Test
    void rightCredentialsStoreAndReadSessions() throws Exception
    {
        LogCapture log = opened(new LogCapture());
        MemcachedNodes nodes = opened(MemcachedNodes.start(2, database("plain")));
        JettyNode w1 = jetty("w1", nodes, PASSWORD, c -> c.setSticky(false));
        JettyNode w2 = jetty("w2", nodes, PASSWORD, c -> c.setSticky(false));
        for (JettyNode jetty : List.of(w1, w2))
            Await.await("both nodes live (logged in) on " + jetty.cluster(), () -> jetty.cluster().getLiveNodes(), "n1 n2"::equals, WAIT);

        SessionClient browser = new SessionClient();
        SessionClient.Reply set = browser.get(w1, "/app/set?name=colour&value=blue");
        assertEquals(200, set.status(), set.body());
        // Non-sticky: the other Jetty can only know the session from memcached.
        SessionClient.Reply read = browser.get(w2, "/app/get");
        assertEquals(200, read.status(), read.body());
        assertEquals("blue", read.value("colour"), read.body());

        String id = read.value("id");
        String home = SessionClient.node(browser.cookie());
        String next = home.equals("n1") ? "n2" : "n1";
        try (MemcachedBinaryClient primary = MemcachedBinaryClient.of(nodes.node(home));
             MemcachedBinaryClient backup = MemcachedBinaryClient.of(nodes.node(next)))
        {
            assertNotNull(primary.get(KEYS.primary(id)), "primary copy of " + id + " on " + home);
            assertNotNull(backup.get(KEYS.backup(id)), "backup copy of " + id + " on " + next);
        }
        assertEquals(0L, authenticationFailures());
        assertEquals(0, count(log.lines(), "authentication failed"), String.join("\n", log.lines()));
    }

    @Test
    void wrongPasswordIsLoggedOnceCountedAndTheReasonTheNodeIsDown() throws Exception
    {
        String wrong = "not-" + PASSWORD;
        LogCapture log = opened(new LogCapture());
        MemcachedNodes nodes = opened(MemcachedNodes.start(1, database("plain")));
        JettyNode w1 = jetty("w1", nodes, wrong, c -> c.setSticky(true));

        String failure = "authentication failed (SASL PLAIN, user " + USER + ")";
        Await.await("a log line saying n1's " + failure, () -> count(log.lines(), "n1", failure) > 0, WAIT);
        // The client tries again about once a second: let it be refused a few more times.
        Await.await("three refused logins counted", this::authenticationFailures, n -> n >= 3, WAIT);

        List<String> lines = log.lines();
        String all = String.join("\n", lines);
        assertEquals(1, count(lines, "SaslLogin", "memcached node n1", failure), "logged once, not once per attempt:\n" + all);
        assertEquals(count(lines, failure, "Auth failure"), count(lines, "Auth failure"), "no other line about the refusal:\n" + all);
        assertEquals(0, count(lines, wrong), "the password is never logged:\n" + all);
        assertEquals(1, count(lines, "NodeHealth", "memcached node n1", "is down", failure), "the node is down for that reason:\n" + all);
        assertEquals(0, count(lines, "no answer to probe"), all);
        assertEquals(List.of("n1"), attributes("net.jettymemcached.sessions:type=memcachedcluster,*", "downNodes"));
        assertEquals(1, downReasons().size(), downReasons().toString());
        assertTrue(downReasons().get(0).startsWith("n1: " + failure), downReasons().toString());

        // Sticky mode serves the session from memory while no node lets it in.
        SessionClient browser = new SessionClient();
        SessionClient.Reply set = browser.get(w1, "/app/set?name=colour&value=blue");
        assertEquals(200, set.status(), set.body());
        SessionClient.Reply read = browser.get(w1, "/app/get");
        assertEquals(200, read.status(), read.body());
        assertEquals("blue", read.value("colour"), read.body());
    }

    @Test
    void loginRefusedAfterARestartMarksTheNodeDownForThatReasonUntilALoginSucceeds() throws Exception
    {
        LogCapture log = opened(new LogCapture());
        SaslDatabase sasl = database("plain");
        MemcachedNodes nodes = opened(MemcachedNodes.start(1, sasl));
        JettyNode w1 = jetty("w1", nodes, PASSWORD, c -> c.setSticky(true));
        Await.await("n1 live (logged in)", () -> w1.cluster().getLiveNodes(), "n1"::equals, WAIT);
        SessionClient browser = new SessionClient();
        assertEquals(200, browser.get(w1, "/app/set?name=colour&value=blue").status());

        // The password changes on the server; the node restarts, so the client has to log in again.
        sasl.user(USER, "changed-" + PASSWORD);
        nodes.node("n1").restart();

        // The node goes down when the connection drops ("no answer"); once the login is refused, that is the reason.
        String failure = "authentication failed (SASL PLAIN, user " + USER + ")";
        Await.await("n1 down because its " + failure, this::downReasons, reasons -> reasons.size() == 1 && reasons.get(0).startsWith("n1: " + failure), WAIT);
        SessionClient.Reply read = browser.get(w1, "/app/get");
        assertEquals(200, read.status(), read.body());
        assertEquals("blue", read.value("colour"), read.body());
        assertEquals(1, count(log.lines(), "SaslLogin", "memcached node n1", failure), String.join("\n", log.lines()));

        // The password is put back on the server: the client's next attempt logs in and the node is used again.
        sasl.user(USER, PASSWORD);
        Await.await("n1 live again", () -> w1.cluster().getLiveNodes(), "n1"::equals, WAIT);
        assertEquals(1, count(log.lines(), "SaslLogin", "memcached node n1", "logged in (SASL PLAIN, user " + USER + ")"), String.join("\n", log.lines()));
        SessionClient.Reply write = browser.get(w1, "/app/set?name=colour&value=green");
        assertEquals(200, write.status(), write.body());
        try (MemcachedBinaryClient client = MemcachedBinaryClient.of(nodes.node("n1")))
        {
            assertNotNull(client.get(KEYS.primary(write.value("id"))), "the session is stored on n1 again");
        }
    }

    @Test
    void theConfiguredMechanismIsTheOneUsedNeverAnotherTheServerOffers() throws Exception
    {
        // The server offers only CRAM-MD5; PLAIN (the default) is refused, and said so, rather than replaced.
        LogCapture log = opened(new LogCapture());
        MemcachedNodes nodes = opened(MemcachedNodes.start(1, database("cram-md5")));
        jetty("w1", nodes, PASSWORD, c -> c.setSticky(true));
        Await.await("a log line saying n1's PLAIN login was refused",
            () -> count(log.lines(), "SaslLogin", "memcached node n1", "authentication failed (SASL PLAIN, user " + USER + ")") == 1, WAIT);
    }

    @Test
    void cramMd5KeepsThePasswordOffTheWireAndStoresSessions() throws Exception
    {
        LogCapture log = opened(new LogCapture());
        MemcachedNodes nodes = opened(MemcachedNodes.start(1, database("cram-md5")));
        JettyNode w1 = jetty("w1", nodes, PASSWORD, c ->
        {
            c.setSticky(false);
            c.setSaslMechanism("CRAM-MD5");
        });
        Await.await("n1 live (logged in with CRAM-MD5)", () -> w1.cluster().getLiveNodes(), "n1"::equals, WAIT);

        SessionClient browser = new SessionClient();
        assertEquals(200, browser.get(w1, "/app/set?name=colour&value=blue").status());
        SessionClient.Reply read = browser.get(w1, "/app/get");
        assertEquals("blue", read.value("colour"), read.body());
        try (MemcachedBinaryClient client = MemcachedBinaryClient.of(nodes.node("n1")))
        {
            assertNotNull(client.get(KEYS.primary(read.value("id"))), "the session is in memcached");
        }
        assertEquals(0L, authenticationFailures());
        assertEquals(0, count(log.lines(), "authentication failed"), String.join("\n", log.lines()));
    }
}
