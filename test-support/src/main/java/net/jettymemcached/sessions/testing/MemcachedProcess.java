package net.jettymemcached.sessions.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One real {@code memcached} process listening on loopback, for tests that must exercise
 * real network behaviour (node crashes, restarts with empty memory, hung nodes) instead of mocks.
 *
 * <p>Every process is tracked by its own {@link Process} handle and PID: it is only ever
 * signalled through that handle or {@code kill -STOP/-CONT <pid>}, never by name. A JVM shutdown
 * hook kills whatever this fixture started, so a dying test JVM does not leak memcached processes.
 *
 * <p>A process started with a {@link SaslDatabase} runs {@code memcached -S} (binary protocol only, every client must
 * log in) with the database's configuration in its environment; the fixture logs in itself to see that it is ready.
 */
public final class MemcachedProcess implements AutoCloseable {

    /** Exact message the brief asks for when the binary is missing: tests must fail, not skip. */
    static final String NOT_FOUND_MESSAGE =
            "memcached binary not found on PATH: install it (Debian: apt-get install -y memcached)"
                    + " — these tests need a real memcached";

    private static final String HOST = "127.0.0.1";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration RESTART_TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_START_ATTEMPTS = 10;

    /** Processes started by this fixture and not yet reaped; killed by the shutdown hook. */
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    /** Ports currently owned by a fixture process, so parallel starts never pick the same one. */
    private static final Set<Integer> RESERVED_PORTS = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Process p : LIVE) {
                p.destroyForcibly();
            }
        }, "memcached-fixture-reaper"));
    }

    private final String nodeId;
    private final int port;
    private final Path binary;
    private final SaslDatabase sasl;
    private Process process;

    private MemcachedProcess(String nodeId, int port, Path binary, SaslDatabase sasl, Process process) {
        this.nodeId = nodeId;
        this.port = port;
        this.binary = binary;
        this.sasl = sasl;
        this.process = process;
    }

    /**
     * Starts a memcached on a free loopback port and returns once it answers {@code version}.
     * Retries with another port if memcached could not bind (port raced away by someone else).
     *
     * @throws IllegalStateException if the binary is missing or no process came up
     */
    public static MemcachedProcess start(String nodeId) {
        return start(nodeId, null);
    }

    /**
     * Starts a memcached with SASL authentication ({@code -S}) against the given database, or without when it is
     * null, and returns once it lets the database's first user in.
     *
     * @throws IllegalStateException if the binary is missing or no process came up
     */
    public static MemcachedProcess start(String nodeId, SaslDatabase sasl) {
        Path binary = findBinary();
        List<String> failures = new ArrayList<>();
        for (int attempt = 0; attempt < MAX_START_ATTEMPTS; attempt++) {
            int port = reserveFreePort();
            Process p = launch(binary, nodeId, port, sasl, failures);
            if (p != null) {
                return new MemcachedProcess(nodeId, port, binary, sasl, p);
            }
            RESERVED_PORTS.remove(port);
        }
        throw new IllegalStateException("could not start memcached node " + nodeId + ": " + failures);
    }

    public String nodeId() {
        return nodeId;
    }

    public String host() {
        return HOST;
    }

    public int port() {
        return port;
    }

    /** The SASL database this node authenticates against, or null when it was started without {@code -S}. */
    public SaslDatabase sasl() {
        return sasl;
    }

    /** PID of the current process; changes after {@link #restart()}. */
    public synchronized long pid() {
        return process.pid();
    }

    /** True while the OS process exists (a paused process is still running). */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Simulates a crash: SIGKILL to this process only (by its handle/PID), then waits for exit. */
    public synchronized void kill9() {
        if (process != null) {
            reap(process.destroyForcibly());
        }
    }

    /** Graceful shutdown (SIGTERM), falling back to SIGKILL after 5 s. */
    public synchronized void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        resume(); // a stopped process would not act on SIGTERM until continued
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        reap(process);
    }

    /**
     * Simulates a node coming back after a crash: kills the current process if still alive and
     * starts a NEW, empty memcached on the SAME port, retrying for up to ~5 s while the port is busy.
     */
    public synchronized void restart() {
        kill9();
        List<String> failures = new ArrayList<>();
        boolean restarted = Await.until(() -> {
            Process p = launch(binary, nodeId, port, sasl, failures);
            if (p == null) {
                return false;
            }
            process = p;
            RESERVED_PORTS.add(port);
            return true;
        }, RESTART_TIMEOUT);
        if (!restarted) {
            throw new IllegalStateException("could not restart memcached node " + nodeId
                    + " on port " + port + ": " + failures);
        }
    }

    /** Simulates a hung node: SIGSTOP; connections are still accepted by the kernel but never answered. */
    public synchronized void pause() {
        signal("-STOP");
    }

    /** Undoes {@link #pause()} with SIGCONT. */
    public synchronized void resume() {
        signal("-CONT");
    }

    /** Kills the process if it is still running. */
    @Override
    public synchronized void close() {
        kill9();
    }

    @Override
    public String toString() {
        return nodeId + ":" + HOST + ":" + port;
    }

    // ---------------------------------------------------------------- internals

    private void reap(Process p) {
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for memcached " + nodeId + " to die", e);
        }
        LIVE.remove(p);
        RESERVED_PORTS.remove(port);
    }

    private void signal(String sig) {
        if (!isRunning()) {
            throw new IllegalStateException("memcached node " + nodeId + " is not running");
        }
        try {
            Process kill = new ProcessBuilder("kill", sig, Long.toString(process.pid()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill " + sig + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Launches memcached on {@code port} and waits until it answers. Returns null (after killing
     * the attempt) if it exited early, e.g. because the port was taken; the reason goes to failures.
     */
    private static Process launch(Path binary, String nodeId, int port, SaslDatabase sasl, List<String> failures) {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(),
                "-l", HOST, "-p", Integer.toString(port), "-U", "0", "-t", "1", "-m", "64"));
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.add("-u");
            cmd.add("root"); // memcached refuses to run as root without -u
        }
        if (sasl != null) {
            cmd.add("-S");
        }
        Path log = logFile(nodeId, port);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(log == null ? ProcessBuilder.Redirect.DISCARD
                        : ProcessBuilder.Redirect.appendTo(log.toFile()));
        if (sasl != null) {
            pb.environment().putAll(sasl.environment());
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot execute " + cmd, e);
        }
        LIVE.add(p);
        // Until it answers or exits. The pid check makes sure we reached OUR process, not another one owning the port.
        if (Await.until(() -> !p.isAlive() || (sasl == null ? MemcachedTextClient.answers(HOST, port, p.pid())
                : MemcachedBinaryClient.answers(HOST, port, p.pid(), sasl)), READY_TIMEOUT) && p.isAlive()) {
            return p;
        }
        p.destroyForcibly();
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LIVE.remove(p);
        failures.add("port " + port + (p.isAlive() ? " not answering" : " exited " + p.exitValue())
                + (sasl == null ? "" : " (memcached -S with " + sasl + ": is libsasl2-modules installed?)")
                + tail(log));
        return null;
    }

    /** Binds port 0 on loopback to let the OS pick a free port, skipping ports we already own. */
    private static int reserveFreePort() {
        for (int i = 0; i < 50; i++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
                int port = s.getLocalPort();
                if (RESERVED_PORTS.add(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot find a free loopback port", e);
            }
        }
        throw new IllegalStateException("cannot find a free loopback port");
    }

    /** Finds the binary on PATH or in the usual places; fails loudly (tests must not skip). */
    static Path findBinary() {
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (!dir.isEmpty()) {
                    candidates.add(Paths.get(dir, "memcached"));
                }
            }
        }
        candidates.add(Paths.get("/usr/bin/memcached"));
        candidates.add(Paths.get("/usr/local/bin/memcached"));
        for (Path c : candidates) {
            if (Files.isRegularFile(c) && Files.isExecutable(c)) {
                return c;
            }
        }
        throw new IllegalStateException(NOT_FOUND_MESSAGE);
    }

    /** target/memcached-logs/&lt;node&gt;-&lt;port&gt;.log, or null (output discarded) if not writable. */
    private static Path logFile(String nodeId, int port) {
        try {
            Path dir = Paths.get(System.getProperty("basedir", "."), "target", "memcached-logs");
            Files.createDirectories(dir);
            return dir.resolve(nodeId + "-" + port + ".log");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String tail(Path log) {
        if (log == null) {
            return "";
        }
        try {
            String s = Files.readString(log, StandardCharsets.UTF_8).strip();
            return s.isEmpty() ? "" : " (" + (s.length() > 300 ? s.substring(s.length() - 300) : s) + ")";
        } catch (IOException e) {
            return "";
        }
    }
}
