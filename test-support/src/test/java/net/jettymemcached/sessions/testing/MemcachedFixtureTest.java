package net.jettymemcached.sessions.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/** Proves the real-memcached fixture does what the failover tests rely on. */
class MemcachedFixtureTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Test
    void twoNodesStoreIndependently() {
        try (MemcachedNodes nodes = MemcachedNodes.start(2)) {
            MemcachedProcess n1 = nodes.node("n1");
            MemcachedProcess n2 = nodes.node("n2");
            assertEquals(n1, nodes.node(0));
            assertEquals(n2, nodes.node(1));
            assertEquals(List.of(n1, n2), nodes.all());
            assertNotEquals(n1.port(), n2.port());
            assertEquals("n1:127.0.0.1:" + n1.port() + " n2:127.0.0.1:" + n2.port(), nodes.nodesProperty());

            try (MemcachedTextClient c1 = MemcachedTextClient.of(n1);
                 MemcachedTextClient c2 = MemcachedTextClient.of(n2)) {
                assertEquals(n1.pid(), c1.stat("pid"));
                assertEquals(n2.pid(), c2.stat("pid"));
                assertTrue(c1.keys().isEmpty());

                // Binary value that looks like protocol framing must round-trip byte for byte.
                byte[] tricky = {0, 1, '\r', '\n', 'E', 'N', 'D', '\r', '\n', (byte) 0xff};
                assertTrue(c1.set("s:a", tricky, 0));
                assertTrue(c1.set("s:b", bytes("bee"), 100));
                assertTrue(c2.set("s:c", bytes("sea"), 0));
                assertTrue(c2.set("s:empty", new byte[0], 0));

                assertArrayEquals(tricky, c1.get("s:a"));
                assertArrayEquals(new byte[0], c2.get("s:empty"));
                assertNull(c1.get("s:c"), "keys are per node");
                assertNull(c2.get("s:a"), "keys are per node");
                assertTrue(c2.contains("s:c"));
                assertFalse(c2.contains("s:b"));

                assertEquals(Set.of("s:a", "s:b"), Set.copyOf(c1.keys()));
                assertEquals(Set.of("s:c", "s:empty"), Set.copyOf(c2.keys()));
                assertEquals(2, c1.stat("curr_items"));
                assertEquals(-1, c1.ttlOf("s:a"));
                int ttl = c1.ttlOf("s:b");
                assertTrue(ttl > 90 && ttl <= 100, "ttl " + ttl);

                assertTrue(c1.delete("s:a"));
                assertFalse(c1.delete("s:a"));
                assertNull(c1.get("s:a"));
                assertEquals(List.of("s:b"), c1.keys());

                c2.flushAll();
                assertNull(c2.get("s:c"));
                assertTrue(c1.contains("s:b"), "flush_all on n2 does not touch n1");
            }
        }
    }

    @Test
    void kill9RefusesConnectionsAndRestartGivesEmptyNodeOnSamePort() {
        try (MemcachedProcess node = MemcachedProcess.start("n1")) {
            int port = node.port();
            long oldPid = node.pid();
            try (MemcachedTextClient c = MemcachedTextClient.of(node)) {
                assertTrue(c.set("k", bytes("v"), 0));
            }

            node.kill9();
            assertFalse(node.isRunning());
            assertFalse(alive(oldPid));
            assertThrows(ConnectException.class, () -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                }
            });
            UncheckedIOException refused = assertThrows(UncheckedIOException.class,
                    () -> MemcachedTextClient.of(node));
            assertInstanceOf(ConnectException.class, refused.getCause());

            node.restart();
            assertTrue(node.isRunning());
            assertEquals(port, node.port());
            assertNotEquals(oldPid, node.pid());
            try (MemcachedTextClient c = MemcachedTextClient.of(node)) {
                assertEquals(node.pid(), c.stat("pid"));
                assertTrue(c.keys().isEmpty());
                assertNull(c.get("k"));
                assertTrue(c.set("k2", bytes("v2"), 0));
                assertArrayEquals(bytes("v2"), c.get("k2"));
            }
        }
    }

    @Test
    void pauseMakesRequestsTimeOutAndResumeRecovers() {
        try (MemcachedProcess node = MemcachedProcess.start("n1")) {
            try (MemcachedTextClient c = MemcachedTextClient.of(node)) {
                assertTrue(c.set("k", bytes("v"), 0));
            }
            node.pause();
            assertTrue(node.isRunning(), "a paused node is hung, not dead");
            try (MemcachedTextClient c = MemcachedTextClient.of(node, Duration.ofMillis(500))) {
                UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> c.get("k"));
                assertInstanceOf(SocketTimeoutException.class, e.getCause());
                assertThrows(IllegalStateException.class, () -> c.get("k"), "a failed client is not reusable");
            }
            node.resume();
            try (MemcachedTextClient c = MemcachedTextClient.of(node)) {
                assertArrayEquals(bytes("v"), c.get("k"));
            }
        }
    }

    @Test
    void closeLeavesNoProcessRunning() throws IOException {
        MemcachedNodes nodes = MemcachedNodes.start(3);
        List<Long> pids = nodes.all().stream().map(MemcachedProcess::pid).collect(Collectors.toList());
        assertTrue(pids.stream().allMatch(MemcachedFixtureTest::alive));
        nodes.node("n2").pause(); // even a stopped process must be killed by close()
        nodes.node("n3").restart();
        long restartedPid = nodes.node("n3").pid();

        nodes.close();

        for (long pid : pids) {
            assertFalse(alive(pid), "pid " + pid + " still alive");
        }
        assertFalse(alive(restartedPid), "restarted pid " + restartedPid + " still alive");
        nodes.all().forEach(n -> assertFalse(n.isRunning()));
        nodes.close(); // idempotent
    }

    @Test
    void stopIsGraceful() {
        MemcachedProcess node = MemcachedProcess.start("n1");
        long pid = node.pid();
        node.stop();
        assertFalse(node.isRunning());
        assertFalse(alive(pid));
        node.close();
    }
}
