package net.jettymemcached.it.harness;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import net.jettymemcached.sessions.MemcachedCluster;
import net.jettymemcached.sessions.codec.SessionEnvelope;
import net.jettymemcached.sessions.config.MemcachedSessionsConfig;
import net.jettymemcached.sessions.http.SessionClient;
import net.jettymemcached.sessions.store.SessionKeys;
import net.jettymemcached.sessions.store.StoredValue;
import net.jettymemcached.sessions.testing.Await;
import net.jettymemcached.sessions.testing.MemcachedNodes;
import net.jettymemcached.sessions.testing.MemcachedProcess;
import net.jettymemcached.sessions.testing.MemcachedTextClient;
import org.eclipse.jetty.session.SessionData;

/**
 * What memcached holds for a session of the test webapp, looked at from outside Jetty: the keys are built by the
 * library's {@link SessionKeys} and the values decoded by the library's own envelope, configured with the defaults
 * that the Jettys under test run with (the ini sets no serializer, signing key or compression).
 */
public final class StoredSession
{
    /** The test webapp's keys: context {@code /app} (canonical {@code _app}), no virtual host, no key prefix. */
    public static final SessionKeys KEYS = new SessionKeys("", "_app", "0.0.0.0");
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);

    private StoredSession()
    {
    }

    /**
     * Waits until both copies of the cookie's session, the primary on the cookie's node and the backup on the next
     * running node, hold {@code name=value}. With {@code backupAsync=true} (the default) a sticky Jetty writes them
     * just after the response: a Jetty or memcached node killed before that would lose the change.
     */
    public static void awaitCopies(MemcachedNodes nodes, String cookie, String name, Object value)
    {
        String id = cookie.substring(0, cookie.lastIndexOf('.'));
        MemcachedProcess primary = nodes.node(SessionClient.node(cookie));
        MemcachedProcess backup = nextRunning(nodes, primary);
        Await.await("session " + id + " stored with " + name + "=" + value + " on " + primary.nodeId() + " (primary) and " + backup.nodeId() + " (backup)",
            () -> Arrays.asList(attribute(primary, KEYS.primary(id), id, name), attribute(backup, KEYS.backup(id), id, name)),
            (List<Object> copies) -> copies.stream().allMatch(stored -> Objects.equals(value, stored)),
            WRITE_TIMEOUT);
    }

    /** The attribute {@code name} of the session stored under {@code key} on {@code node}; null if either is missing. */
    public static Object attribute(MemcachedProcess node, String key, String id, String name)
    {
        byte[] stored;
        try (MemcachedTextClient client = MemcachedTextClient.of(node))
        {
            stored = client.get(key);
        }
        if (stored == null)
            return null;
        try
        {
            return envelope().decode(StoredValue.parse(stored).envelope(), new SessionData(id, "_app", "0.0.0.0", 0, 0, 0, 0)).getAttribute(name);
        }
        catch (IOException x)
        {
            throw new IllegalStateException("unreadable value under " + key + " on " + node.nodeId(), x);
        }
    }

    /** The backup's node: the first running node after {@code primary} in the order n1..nN, wrapping around. */
    private static MemcachedProcess nextRunning(MemcachedNodes nodes, MemcachedProcess primary)
    {
        List<MemcachedProcess> all = nodes.all();
        int at = all.indexOf(primary);
        for (int i = 1; i < all.size(); i++)
        {
            MemcachedProcess candidate = all.get((at + i) % all.size());
            if (candidate.isRunning())
                return candidate;
        }
        throw new IllegalStateException("no running node after " + primary.nodeId() + " for the backup of a session");
    }

    private static SessionEnvelope envelope()
    {
        return new MemcachedCluster(new MemcachedSessionsConfig()).envelope();
    }
}
