package net.jettymemcached.sessions.http;

import java.time.Duration;
import java.util.function.Consumer;

import net.jettymemcached.sessions.MemcachedSessionsConfig;
import net.jettymemcached.sessions.testing.Await;
import net.jettymemcached.sessions.testing.MemcachedNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Only touched attributes are checked for changes at the end of a request ({@code trackTouchedAttributes}, default
 * true), and objects changed in place are still saved: two Jettys, real memcached, real HTTP; what the other Jetty
 * reads is what memcached holds.
 */
class ChangeTrackingHttpTest
{
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private MemcachedNodes nodes;
    private JettyNode a;
    private JettyNode b;

    @AfterEach
    void stop() throws Exception
    {
        if (b != null)
            b.close();
        if (a != null)
            a.close();
        if (nodes != null)
            nodes.close();
    }

    private void start(Consumer<MemcachedSessionsConfig> settings) throws Exception
    {
        nodes = MemcachedNodes.start(3);
        a = JettyNode.start("w1", nodes.nodesProperty(), settings);
        b = JettyNode.start("w2", nodes.nodesProperty(), settings);
    }

    /** What {@code jetty}, sent the browser's cookie, reads as the list (its own client: the browser's cookie stays). */
    private static String listOn(JettyNode jetty, SessionClient browser)
    {
        SessionClient other = new SessionClient();
        other.setCookie(browser.cookie());
        try
        {
            return other.get(jetty, "/app/get").value("list");
        }
        catch (Exception x)
        {
            throw new IllegalStateException(x);
        }
    }

    @Test
    void aListChangedInPlaceOnAStickyJettyIsSeenOnAnother() throws Exception
    {
        start(c -> c.setSticky(true));
        SessionClient browser = new SessionClient();
        browser.get(a, "/app/append?value=one");
        browser.get(a, "/app/append?value=two"); // getAttribute, then add: no setAttribute
        Await.await("the other Jetty reads the list changed in place", () -> "[one, two]".equals(listOn(b, browser)), DEADLINE);
    }

    @Test
    void aListChangedInPlaceAfterTheResponseWasCommittedIsSaved() throws Exception
    {
        start(c -> c.setSticky(false));
        SessionClient browser = new SessionClient();
        browser.get(a, "/app/append?value=one");
        browser.get(a, "/app/appendAfterCommit?value=two"); // the store at commit saw [one]; the request's end sees [one, two]
        Await.await("the other Jetty reads the list changed after the commit", () -> "[one, two]".equals(listOn(b, browser)), DEADLINE);
    }

    /**
     * An object kept from an earlier request and changed without being read in this one: saved when every attribute
     * is checked ({@code trackTouchedAttributes=false}); not seen with tracking on (the documented limit), until a
     * request touches it.
     */
    @ParameterizedTest(name = "trackTouchedAttributes={0}")
    @ValueSource(booleans = {true, false})
    void anObjectChangedWithoutBeingReadIsSavedOnlyWithTrackingOff(boolean tracking) throws Exception
    {
        start(c ->
        {
            c.setSticky(true);
            c.setBackupAsync(false);
            c.setTrackTouchedAttributes(tracking);
        });
        SessionClient browser = new SessionClient();
        browser.get(a, "/app/append?value=one");
        browser.get(a, "/app/hold");
        browser.get(a, "/app/appendToHeld?value=two"); // also sets k=two, written at the response's commit
        SessionClient other = new SessionClient();
        other.setCookie(browser.cookie());
        SessionClient.Reply onB = other.get(b, "/app/get");
        assertEquals("two", onB.value("k"));
        assertEquals(tracking ? "[one]" : "[one, two]", onB.value("list"));

        browser.get(a, "/app/get"); // reads every attribute: now the list is checked, and saved
        Await.await("the other Jetty reads the list once a request touched it", () -> "[one, two]".equals(listOn(b, browser)), DEADLINE);
    }
}
