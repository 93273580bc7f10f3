package net.jettymemcached.sessions.testing;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A tiny blocking memcached BINARY-protocol client with SASL login, for looking at a node started with {@code -S}
 * (which speaks nothing else). Like {@link MemcachedTextClient} it is independent of the client library under test.
 * It logs in with PLAIN or CRAM-MD5, the mechanisms the tests' servers offer.
 */
public final class MemcachedBinaryClient implements AutoCloseable {

    private static final int GET = 0x00;
    private static final int VERSION = 0x0b;
    private static final int STAT = 0x10;
    private static final int SASL_AUTH = 0x21;
    private static final int SASL_STEP = 0x22;
    private static final int STATUS_OK = 0x00;
    private static final int STATUS_NOT_FOUND = 0x01;
    private static final int STATUS_AUTH_CONTINUE = 0x21;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    public MemcachedBinaryClient(String host, int port, Duration timeout) {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.setSoTimeout((int) timeout.toMillis());
            s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            this.in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
            this.out = s.getOutputStream();
        } catch (IOException e) {
            closeQuietly(s);
            throw new UncheckedIOException("cannot connect to memcached " + host + ":" + port, e);
        }
        this.socket = s;
    }

    /** Connects and logs in with the first user of the node's SASL database. */
    public static MemcachedBinaryClient of(MemcachedProcess node) {
        SaslDatabase sasl = node.sasl();
        if (sasl == null) {
            throw new IllegalArgumentException("memcached " + node + " was started without SASL");
        }
        MemcachedBinaryClient client = new MemcachedBinaryClient(node.host(), node.port(), Duration.ofSeconds(3));
        Map.Entry<String, String> user = sasl.anyUser();
        if (!client.authenticate(mechanismFor(sasl), user.getKey(), user.getValue())) {
            client.close();
            throw new IllegalStateException("memcached " + node + " refused the login of " + user.getKey());
        }
        return client;
    }

    /** The server's version; memcached answers it before any login. */
    public synchronized String version() {
        return text(call(VERSION, "", new byte[0]).body);
    }

    /**
     * Logs in.
     *
     * @param mechanism {@code PLAIN} or {@code CRAM-MD5}
     * @return false if the server refused the login
     */
    public synchronized boolean authenticate(String mechanism, String user, String password) {
        switch (mechanism.toUpperCase(Locale.ROOT)) {
            case "PLAIN" -> {
                byte[] response = ("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8);
                return call(SASL_AUTH, "PLAIN", response).status == STATUS_OK;
            }
            case "CRAM-MD5" -> {
                Response challenge = call(SASL_AUTH, "CRAM-MD5", new byte[0]);
                if (challenge.status != STATUS_AUTH_CONTINUE) {
                    return false;
                }
                String digest = HexFormat.of().formatHex(hmacMd5(password, challenge.body));
                return call(SASL_STEP, "CRAM-MD5", (user + " " + digest).getBytes(StandardCharsets.UTF_8)).status == STATUS_OK;
            }
            default -> throw new IllegalArgumentException("unsupported mechanism " + mechanism);
        }
    }

    /** The stored bytes, or null if the key is missing. */
    public synchronized byte[] get(String key) {
        Response r = call(GET, key, new byte[0]);
        if (r.status == STATUS_NOT_FOUND) {
            return null;
        }
        if (r.status != STATUS_OK) {
            throw new IllegalStateException("get " + key + ": status 0x" + Integer.toHexString(r.status) + " " + text(r.body));
        }
        byte[] value = new byte[r.body.length - r.extras];
        System.arraycopy(r.body, r.extras, value, 0, value.length);
        return value;
    }

    /** All {@code stats} values by name. */
    public synchronized Map<String, String> stats() {
        send(STAT, "", new byte[0]);
        Map<String, String> stats = new LinkedHashMap<>();
        while (true) {
            Response r = read();
            if (r.status != STATUS_OK) {
                throw new IllegalStateException("stats: status 0x" + Integer.toHexString(r.status) + " " + text(r.body));
            }
            if (r.key.isEmpty()) {
                return stats;
            }
            stats.put(r.key, text(r.body));
        }
    }

    /** One numeric stat, e.g. {@code stat("curr_items")}. */
    public long stat(String name) {
        String value = stats().get(name);
        if (value == null) {
            throw new IllegalStateException("no stat " + name);
        }
        return Long.parseLong(value);
    }

    @Override
    public synchronized void close() {
        closeQuietly(socket);
    }

    /**
     * True if a memcached started with {@code -S} on host:port lets the database's user in and its {@code stats
     * pid} is {@code expectedPid}. Used by {@link MemcachedProcess} to wait until its own process is ready.
     */
    static boolean answers(String host, int port, long expectedPid, SaslDatabase sasl) {
        try (MemcachedBinaryClient c = new MemcachedBinaryClient(host, port, Duration.ofMillis(500))) {
            Map.Entry<String, String> user = sasl.anyUser();
            return c.authenticate(mechanismFor(sasl), user.getKey(), user.getValue())
                    && String.valueOf(expectedPid).equals(c.stats().get("pid"));
        } catch (RuntimeException e) {
            return false;
        }
    }

    static String mechanismFor(SaslDatabase sasl) {
        String mechs = sasl.mechList().toLowerCase(Locale.ROOT);
        return mechs.contains("plain") ? "PLAIN" : "CRAM-MD5";
    }

    // ---------------------------------------------------------------- internals

    private record Response(int status, String key, int extras, byte[] body) {
    }

    private Response call(int opcode, String key, byte[] value) {
        send(opcode, key, value);
        return read();
    }

    private void send(int opcode, String key, byte[] value) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(24 + k.length + value.length);
        b.put((byte) 0x80).put((byte) opcode).putShort((short) k.length).put((byte) 0).put((byte) 0)
                .putShort((short) 0).putInt(k.length + value.length).putInt(0).putLong(0).put(k).put(value);
        try {
            out.write(b.array());
            out.flush();
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("memcached " + socket.getRemoteSocketAddress() + ": " + e, e);
        }
    }

    /** Response header: magic, opcode, key length, extras length, data type, status, body length, opaque, CAS. */
    private Response read() {
        try {
            byte[] header = new byte[24];
            in.readFully(header);
            ByteBuffer h = ByteBuffer.wrap(header);
            if ((h.get(0) & 0xff) != 0x81) {
                throw new IOException("not a binary response: magic 0x" + Integer.toHexString(h.get(0) & 0xff));
            }
            int keyLength = h.getShort(2) & 0xffff;
            int extras = h.get(4) & 0xff;
            int status = h.getShort(6) & 0xffff;
            byte[] body = new byte[h.getInt(8)];
            in.readFully(body);
            String key = new String(body, extras, keyLength, StandardCharsets.UTF_8);
            byte[] rest = new byte[body.length - keyLength];
            System.arraycopy(body, 0, rest, 0, extras);
            System.arraycopy(body, extras + keyLength, rest, extras, body.length - extras - keyLength);
            return new Response(status, key, extras, rest);
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("memcached " + socket.getRemoteSocketAddress() + ": " + e, e);
        }
    }

    private static byte[] hmacMd5(String password, byte[] challenge) {
        try {
            Mac mac = Mac.getInstance("HmacMD5");
            mac.init(new SecretKeySpec(password.getBytes(StandardCharsets.UTF_8), "HmacMD5"));
            return mac.doFinal(challenge);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing useful to do
        }
    }
}
