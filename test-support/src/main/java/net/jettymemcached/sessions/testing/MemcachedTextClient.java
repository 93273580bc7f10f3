package net.jettymemcached.sessions.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * A tiny blocking memcached TEXT-protocol client for test assertions. It is deliberately
 * independent of the client library under test, so tests can look at what really is (or is not)
 * stored on one specific node.
 *
 * <p>I/O failures are thrown as {@link UncheckedIOException} (a hung node shows up as one whose
 * cause is a {@link java.net.SocketTimeoutException}). After any I/O failure the connection may be
 * out of step with the server, so this client refuses further use: open a new one.
 */
public final class MemcachedTextClient implements AutoCloseable {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration METADUMP_BUSY_TIMEOUT = Duration.ofMillis(2500);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private boolean broken;

    public MemcachedTextClient(String host, int port) {
        this(host, port, DEFAULT_TIMEOUT);
    }

    /** @param timeout used both to connect and as the read timeout of every reply */
    public MemcachedTextClient(String host, int port, Duration timeout) {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.setSoTimeout((int) timeout.toMillis());
            s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            this.in = new BufferedInputStream(s.getInputStream());
            this.out = s.getOutputStream();
        } catch (IOException e) {
            closeQuietly(s);
            throw new UncheckedIOException("cannot connect to memcached " + host + ":" + port, e);
        }
        this.socket = s;
    }

    public static MemcachedTextClient of(MemcachedProcess p) {
        return new MemcachedTextClient(p.host(), p.port());
    }

    public static MemcachedTextClient of(MemcachedProcess p, Duration timeout) {
        return new MemcachedTextClient(p.host(), p.port(), timeout);
    }

    /** All {@code stats} values by name. */
    public synchronized Map<String, String> stats() {
        return call(() -> {
            send("stats\r\n");
            Map<String, String> stats = new LinkedHashMap<>();
            for (String line = readLine(); !line.equals("END"); line = readLine()) {
                String[] parts = line.split(" ", 3);
                if (parts.length != 3 || !parts[0].equals("STAT")) {
                    throw new IOException("unexpected stats line: " + line);
                }
                stats.put(parts[1], parts[2]);
            }
            return stats;
        });
    }

    /** One numeric stat, e.g. {@code stat("curr_items")}. */
    public long stat(String name) {
        String value = stats().get(name);
        if (value == null) {
            throw new NoSuchElementException("no stat " + name);
        }
        return Long.parseLong(value);
    }

    /** The stored bytes, or null if the key is missing. */
    public synchronized byte[] get(String key) {
        Object[] item = item(key);
        return item == null ? null : (byte[]) item[0];
    }

    /** The item's client flags (the library keeps a copy's version there), or -1 if the key is missing. */
    public synchronized int flags(String key) {
        Object[] item = item(key);
        return item == null ? -1 : (Integer) item[1];
    }

    /** {value, flags} or null. */
    private Object[] item(String key) {
        return call(() -> {
            send("get " + key + "\r\n");
            String line = readLine();
            if (line.equals("END")) {
                return null;
            }
            String[] parts = line.split(" ");
            if (parts.length < 4 || !parts[0].equals("VALUE") || !parts[1].equals(key)) {
                throw new IOException("unexpected get reply: " + line);
            }
            byte[] value = in.readNBytes(Integer.parseInt(parts[3]));
            if (value.length != Integer.parseInt(parts[3])) {
                throw new EOFException("short value for " + key);
            }
            expect("");      // the \r\n after the data block
            expect("END");
            return new Object[] {value, (int) Long.parseLong(parts[2])};
        });
    }

    public boolean contains(String key) {
        return get(key) != null;
    }

    /** {@code set} with flags 0; true when the server answered STORED. */
    public synchronized boolean set(String key, byte[] value, int ttlSeconds) {
        return set(key, value, ttlSeconds, 0);
    }

    /** {@code set} with the given flags; true when the server answered STORED. */
    public synchronized boolean set(String key, byte[] value, int ttlSeconds, int flags) {
        return call(() -> {
            ByteArrayOutputStream buf = new ByteArrayOutputStream(value.length + key.length() + 32);
            buf.write(("set " + key + " " + flags + " " + ttlSeconds + " " + value.length + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            buf.write(value);
            buf.write(new byte[] {'\r', '\n'});
            out.write(buf.toByteArray());
            out.flush();
            return readLine().equals("STORED");
        });
    }

    /** {@code append}: true when the server answered STORED (the key existed). */
    public synchronized boolean append(String key, byte[] value) {
        return call(() -> {
            ByteArrayOutputStream buf = new ByteArrayOutputStream(value.length + key.length() + 32);
            buf.write(("append " + key + " 0 0 " + value.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            buf.write(value);
            buf.write(new byte[] {'\r', '\n'});
            out.write(buf.toByteArray());
            out.flush();
            return readLine().equals("STORED");
        });
    }

    /** True when the key existed and was deleted. */
    public synchronized boolean delete(String key) {
        return call(() -> {
            send("delete " + key + "\r\n");
            String line = readLine();
            if (!line.equals("DELETED") && !line.equals("NOT_FOUND")) {
                throw new IOException("unexpected delete reply: " + line);
            }
            return line.equals("DELETED");
        });
    }

    public synchronized void flushAll() {
        call(() -> {
            send("flush_all\r\n");
            expect("OK");
            return null;
        });
    }

    /** All live keys on this node, from {@code lru_crawler metadump all}. */
    public List<String> keys() {
        return new ArrayList<>(metadump().keySet());
    }

    /**
     * Remaining time to live of a key in seconds (approximate, memcached's clock ticks once a
     * second), or -1 if it never expires.
     *
     * @throws NoSuchElementException if the key is not stored
     */
    public int ttlOf(String key) {
        Long exp = metadump().get(key);
        if (exp == null) {
            throw new NoSuchElementException("no key " + key);
        }
        return exp == -1 ? -1 : (int) Math.max(0, exp - stat("time"));
    }

    /** key -> absolute expiry (unix seconds, server clock) or -1; retries while the crawler is busy. */
    private synchronized Map<String, Long> metadump() {
        return call(() -> {
            String line = startMetadump();
            Map<String, Long> result = new LinkedHashMap<>();
            for (; !line.equals("END"); line = readLine()) {
                if (!line.startsWith("key=")) {
                    throw new IOException("unexpected metadump line: " + line);
                }
                String key = null;
                long exp = -1;
                for (String field : line.split(" ")) {
                    if (field.startsWith("key=")) {
                        key = URLDecoder.decode(field.substring(4), StandardCharsets.UTF_8);
                    } else if (field.startsWith("exp=")) {
                        exp = Long.parseLong(field.substring(4));
                    }
                }
                result.put(key, exp);
            }
            return result;
        });
    }

    /**
     * Sends {@code lru_crawler metadump all} until the crawler takes it (memcached answers BUSY while an earlier
     * crawl still runs) and returns the first line of the dump.
     */
    private String startMetadump() throws IOException {
        try {
            return Await.await("memcached's LRU crawler to take 'lru_crawler metadump all' (it answered BUSY)", () -> {
                try {
                    send("lru_crawler metadump all\r\n");
                    return readLine();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, line -> !line.startsWith("BUSY"), METADUMP_BUSY_TIMEOUT);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    @Override
    public synchronized void close() {
        broken = true;
        closeQuietly(socket);
    }

    /**
     * True if a memcached answers {@code version} on host:port and its {@code stats pid} is
     * {@code expectedPid}. Used by {@link MemcachedProcess} to wait until its own process is ready.
     */
    static boolean answers(String host, int port, long expectedPid) {
        try (MemcachedTextClient c = new MemcachedTextClient(host, port, Duration.ofMillis(500))) {
            boolean version = c.call(() -> {
                c.send("version\r\n");
                return c.readLine().startsWith("VERSION ");
            });
            return version && String.valueOf(expectedPid).equals(c.stats().get("pid"));
        } catch (RuntimeException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- internals

    private interface IoCall<T> {
        T run() throws IOException;
    }

    private <T> T call(IoCall<T> action) {
        if (broken) {
            throw new IllegalStateException("connection closed or failed earlier; open a new client");
        }
        try {
            return action.run();
        } catch (IOException e) {
            broken = true;
            closeQuietly(socket);
            throw new UncheckedIOException("memcached " + socket.getRemoteSocketAddress() + ": " + e, e);
        }
    }

    private void send(String command) throws IOException {
        out.write(command.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private void expect(String expected) throws IOException {
        String line = readLine();
        if (!line.equals(expected)) {
            throw new IOException("expected '" + expected + "' but got '" + line + "'");
        }
    }

    /** Reads up to '\n' and drops a trailing '\r' (metadump lines end with a bare '\n'). */
    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("connection closed by memcached");
            }
            line.write(b);
        }
        String s = line.toString(StandardCharsets.US_ASCII);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing useful to do
        }
    }
}
