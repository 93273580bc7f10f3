package net.jettymemcached.sessions.lock;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import net.jettymemcached.sessions.id.SessionId;
import net.jettymemcached.sessions.memcached.CasOutcome;
import net.jettymemcached.sessions.memcached.Item;
import net.jettymemcached.sessions.memcached.MemcachedAccess;
import net.jettymemcached.sessions.memcached.MemcachedAccessException;
import net.jettymemcached.sessions.memcached.NodeClient;
import net.jettymemcached.sessions.memcached.NodeClients;
import net.jettymemcached.sessions.memcached.NodeUnavailableException;
import net.jettymemcached.sessions.memcached.Protocol;
import net.jettymemcached.sessions.node.NodeHealth;
import net.jettymemcached.sessions.node.NodeList;
import net.jettymemcached.sessions.replication.Placement;
import net.jettymemcached.sessions.stats.MemcachedSessionStatistics;
import net.jettymemcached.sessions.testing.Await;
import net.jettymemcached.sessions.testing.MemcachedNodes;
import net.jettymemcached.sessions.testing.MemcachedTextClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Lock release against a real memcached, in both protocols: a holder whose lock expired and was taken by another
 * request between its read and its delete does not delete the new holder's lock, and a released lock is gone (the
 * binary protocol must not be sent a negative expiry, which it reads as a time in 2106).
 */
class SessionLocksTest
{
    private static final String KEY = "lock:locks-test";
    private static final SessionId ID = new SessionId("abcdefghijklmnopqrstuvwxyz012345", "n1");

    private final AtomicReference<Runnable> beforeDelete = new AtomicReference<>();
    private final AtomicReference<Runnable> beforeRenewingCas = new AtomicReference<>();
    private MemcachedNodes nodes;
    private NodeClients clients;
    private NodeHealth health;
    private MemcachedTextClient text;

    private SessionLocks start(Protocol protocol) throws Exception
    {
        nodes = MemcachedNodes.start(1);
        NodeList list = NodeList.parse(nodes.nodesProperty(), "");
        clients = new NodeClients(list, Duration.ofSeconds(1), protocol, null, () -> { }, (node, timeoutMs, p, login) -> new NodeClient(node, timeoutMs, p, login)
        {
            @Override
            public boolean delete(String key) throws NodeUnavailableException
            {
                injected();
                return super.delete(key);
            }

            @Override
            public CasOutcome deleteIfUnchanged(String key, long cas) throws MemcachedAccessException
            {
                injected();
                return super.deleteIfUnchanged(key, cas);
            }

            @Override
            public CasOutcome cas(String key, long cas, int ttl, Item item) throws MemcachedAccessException
            {
                Runnable action = ttl > 0 ? beforeRenewingCas.getAndSet(null) : null;
                if (action != null)
                    action.run();
                return super.cas(key, cas, ttl, item);
            }
        });
        clients.start();
        health = new NodeHealth(list, clients::probe, Duration.ofMillis(200), Duration.ofSeconds(2));
        health.start();
        text = MemcachedTextClient.of(nodes.node(0));
        return new SessionLocks(new MemcachedAccess(clients, health), new Placement(list, health), Duration.ofSeconds(30), Duration.ofSeconds(1),
            new MemcachedSessionStatistics());
    }

    private void injected()
    {
        Runnable action = beforeDelete.getAndSet(null);
        if (action != null)
            action.run();
    }

    @AfterEach
    void stop() throws Exception
    {
        if (text != null)
            text.close();
        if (health != null)
            health.stop();
        if (clients != null)
            clients.stop();
        if (nodes != null)
            nodes.close();
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aReleaseNeverDeletesTheLockOfTheRequestThatTookItAfterItExpired(Protocol protocol) throws Exception
    {
        SessionLocks locks = start(protocol);
        var held = locks.acquire(ID, KEY, "w1");
        assertNotNull(text.get(KEY));
        byte[] otherHolder = "w2:the-next-holder".getBytes(StandardCharsets.US_ASCII);
        // Between the holder's read of its token and its delete, its lock expires and another request takes it.
        beforeDelete.set(() ->
        {
            text.delete(KEY);
            text.set(KEY, otherHolder, 30);
        });
        locks.release(held);
        assertArrayEquals(otherHolder, text.get(KEY), "the old holder deleted the new holder's lock");
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aReleasedLockIsGone(Protocol protocol) throws Exception
    {
        SessionLocks locks = start(protocol);
        var held = locks.acquire(ID, KEY, "w1");
        assertNotNull(text.get(KEY));
        locks.release(held);
        assertNull(text.get(KEY));
        assertFalse(text.contains(KEY));
        var again = locks.acquire(ID, KEY, "w2");
        assertNotNull(text.get(KEY), "the lock can be taken again at once");
        locks.release(again);
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aReleaseDuringARenewalLeavesNoLockBehind(Protocol protocol) throws Exception
    {
        SessionLocks locks = start(protocol);
        var held = locks.acquire(ID, KEY, "w1");
        Thread[] releaser = new Thread[1];
        // The request ends while a renewal round has read the lock and is about to extend it.
        beforeRenewingCas.set(() ->
        {
            releaser[0] = new Thread(() -> locks.release(held), "releaser");
            releaser[0].start();
            Await.until(() -> releaser[0].getState() == Thread.State.BLOCKED || !releaser[0].isAlive(), Duration.ofSeconds(2));
        });
        locks.renew(held);
        releaser[0].join(5000);
        assertFalse(releaser[0].isAlive());
        assertNull(text.get(KEY), "the renewal took the released lock again: it would block the session for lockExpiration");
    }
}
