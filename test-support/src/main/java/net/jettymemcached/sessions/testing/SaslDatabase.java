package net.jettymemcached.sessions.testing;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Cyrus SASL password database made by the test, and the {@code memcached.conf} that points memcached at it, so
 * that {@code memcached -S} can be tested without touching the machine's SASL set-up. memcached finds the
 * configuration through {@code SASL_CONF_PATH} ({@link #environment()}). The configuration always names its
 * mechanisms: without {@code mech_list}, Debian's memcached also offers ANONYMOUS, which lets anyone in.
 */
public final class SaslDatabase implements AutoCloseable {

    static final String NOT_FOUND_MESSAGE =
            "saslpasswd2 not found (looked on PATH and in /usr/sbin): install it (Debian: apt-get install -y sasl2-bin"
                    + " libsasl2-modules) — the SASL tests need a real SASL password database";

    private final Path dir;
    private final Path database;
    private final String mechList;
    private final Map<String, String> users = new LinkedHashMap<>();

    private SaslDatabase(Path dir, String mechList) {
        this.dir = dir;
        this.database = dir.resolve("sasldb2");
        this.mechList = mechList;
    }

    /**
     * Makes a fresh directory under {@code target/} holding {@code memcached.conf}; add users before starting a
     * memcached on it.
     *
     * @param mechList Cyrus' {@code mech_list}, e.g. {@code "plain"} or {@code "cram-md5"}
     */
    public static SaslDatabase create(String mechList) {
        try {
            Path target = Paths.get(System.getProperty("basedir", "."), "target");
            Files.createDirectories(target);
            SaslDatabase db = new SaslDatabase(Files.createTempDirectory(target, "sasl-"), mechList);
            Files.writeString(db.dir.resolve("memcached.conf"),
                    "mech_list: " + mechList + "\nsasldb_path: " + db.database.toAbsolutePath() + "\n",
                    StandardCharsets.US_ASCII);
            return db;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the SASL configuration", e);
        }
    }

    /** Adds the user, or sets its password, in the database ({@code saslpasswd2 -a memcached}). */
    public synchronized SaslDatabase user(String name, String password) {
        List<String> cmd = List.of(findSaslpasswd2().toString(), "-p", "-a", "memcached", "-c",
                "-f", database.toAbsolutePath().toString(), name);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(password.getBytes(StandardCharsets.UTF_8)); // -p: read from stdin, no prompt
            }
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(cmd + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        users.put(name, password);
        return this;
    }

    /** What memcached needs in its environment to read this configuration. */
    public Map<String, String> environment() {
        return Map.of("SASL_CONF_PATH", dir.toAbsolutePath().toString());
    }

    public String mechList() {
        return mechList;
    }

    /** A user and password the fixture logs in with to see that its memcached is ready. */
    synchronized Map.Entry<String, String> anyUser() {
        if (users.isEmpty()) {
            throw new IllegalStateException("add a user to the SASL database before starting memcached on it");
        }
        return Map.entry(users.keySet().iterator().next(), users.values().iterator().next());
    }

    /** Deletes the directory (the processes using it are the caller's to stop first). */
    @Override
    public void close() {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a leftover directory under target/ does no harm
        }
    }

    @Override
    public String toString() {
        return "SaslDatabase[" + dir + ", mech_list: " + mechList + ", users " + users.keySet() + "]";
    }

    static Path findSaslpasswd2() {
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(File.pathSeparator)) {
                if (!d.isEmpty()) {
                    candidates.add(Paths.get(d, "saslpasswd2"));
                }
            }
        }
        candidates.add(Paths.get("/usr/sbin/saslpasswd2"));
        candidates.add(Paths.get("/usr/local/sbin/saslpasswd2"));
        for (Path c : candidates) {
            if (Files.isRegularFile(c) && Files.isExecutable(c)) {
                return c;
            }
        }
        throw new IllegalStateException(NOT_FOUND_MESSAGE);
    }
}
