package net.jettymemcached.sessions.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import net.jettymemcached.sessions.testing.MemcachedNodes;
import net.jettymemcached.sessions.testing.MemcachedTextClient;

/**
 * The load benchmark's default run (issue 12): one table, all rows measured in one run, of what a read-only and a
 * modifying request cost in each session set-up, relative to Jetty's in-memory sessions:
 * <pre>| setup | read-only rel | CPU µs/req | modifying rel | CPU µs/req | memcached ops/req ro / rw | server CPU µs per memcached op ro / rw |</pre>
 * Rows: Jetty in-memory ({@code DefaultSessionCache} + {@code NullSessionDataStore}, the baseline), Jetty
 * {@code FileSessionDataStore}, this module sticky with its defaults ({@code backupAsync=true}, {@code stickyRevalidate}
 * 1000 ms), sticky with {@code backupAsync=false}, non-sticky with {@code lockingMode=none} and with
 * {@code lockingMode=all}, against 3 memcached processes on loopback that this class starts and always stops.
 * <p>
 * Workload: 200 sessions, each with an {@code Integer counter} and a 1 KB {@code byte[]} of random bytes, created over
 * HTTP before the phases ({@code /app/create?kb=1&bytes=1}). A read-only request ({@code /app/counter}) reads the
 * counter only; a modifying one ({@code /app/increment}) sets it to counter + 1. Each row runs a 100 % read-only phase
 * and then a 100 % modifying phase, each a warm-up (discarded) and a measured run of {@link WrkLoad}: wrk outside the
 * JVM, 16 connections, one per wrk thread, each with its own share of the sessions. So the JVM's process CPU time is
 * the server's; the memcached processes' CPU time and their {@code stats} are read before and after each measured run.
 * After the modifying phase every session's counter is read back and compared with the increments wrk saw answered (a
 * lost update would show there).
 * <p>
 * "rel" is a phase's 2xx requests per second over the in-memory row's in the same phase of the same run. "server CPU
 * µs per memcached op" is (the row's JVM CPU µs per request − the in-memory row's) / the row's memcached operations per
 * request: what the module's work around each memcached operation costs the server. Settings are system properties,
 * see {@link Settings}.
 */
final class SpeedTable
{
    /** The memcached counters that make up "operations": every get (incl. meta gets), storage command, touch and delete. */
    private static final List<String> OPERATIONS = List.of("cmd_get", "cmd_set", "cmd_touch", "delete_hits", "delete_misses");

    private SpeedTable()
    {
    }

    /**
     * {@code bench.table.sessions} (200), {@code bench.table.kb} (size of the {@code byte[]} attribute, 1),
     * {@code bench.table.connections} (wrk threads = connections, 16), {@code bench.table.warmup} (s per phase, 5),
     * {@code bench.table.measure} (s per phase, 20), {@code bench.table.jvmWarmup} (s of unmeasured load on an
     * in-memory server before the first row, so that the baseline row does not pay for the JIT; 10),
     * {@code bench.table.rows} (comma-separated row ids, all by default:
     * {@code inmem,file,sticky,sticky-sync,nonsticky,nonsticky-all}); {@code bench.wrk} (path of wrk).
     */
    record Settings(int sessions, int kb, int connections, int warmupSeconds, int measureSeconds, int jvmWarmupSeconds, Set<String> rows)
    {
        static Settings fromSystemProperties()
        {
            String rows = System.getProperty("bench.table.rows", "");
            return new Settings(
                Integer.getInteger("bench.table.sessions", 200),
                Integer.getInteger("bench.table.kb", 1),
                Integer.getInteger("bench.table.connections", 16),
                Integer.getInteger("bench.table.warmup", 5),
                Integer.getInteger("bench.table.measure", 20),
                Integer.getInteger("bench.table.jvmWarmup", 10),
                rows.isBlank() ? Set.of() : Arrays.stream(rows.split(",")).map(String::trim).collect(Collectors.toSet()));
        }

        boolean runs(String id)
        {
            return rows.isEmpty() || rows.contains(id);
        }
    }

    /** One row's session set-up: an id for {@code bench.table.rows}, the name in the table, and how to start its server. */
    record Setup(String id, String name, LoadBenchmark.ServerStarter starter)
    {
    }

    /** What one measured wrk run gave, with the JVM's, memcached's and wrk's CPU time over it (µs, NaN if unknown). */
    record Phase(WrkLoad.Result wrk, Map<String, Long> memcached, double jvmCpuMicros, double memcachedCpuMicros)
    {
        double requestsPerSecond()
        {
            return wrk.ok() / wrk.seconds();
        }

        long errors()
        {
            return wrk.non2xx() + wrk.socketErrors();
        }

        double perRequest(double total)
        {
            return wrk.requests() == 0 ? Double.NaN : total / wrk.requests();
        }

        double perRequest(String stat)
        {
            return perRequest(memcached.getOrDefault(stat, 0L));
        }

        double operationsPerRequest()
        {
            return perRequest(OPERATIONS.stream().mapToLong(s -> memcached.getOrDefault(s, 0L)).sum());
        }

        double jvmMicrosPerRequest()
        {
            return perRequest(jvmCpuMicros);
        }

        double wrkMicrosPerRequest()
        {
            return wrk.wrkCpuNanos() < 0 ? Double.NaN : perRequest(wrk.wrkCpuNanos() / 1000.0);
        }
    }

    /** One row: both phases and the counter check, or why it could not run. */
    record Row(Setup setup, Phase readOnly, Phase modifying, String counterProblem, String failure)
    {
        static Row failed(Setup setup, String failure)
        {
            return new Row(setup, null, null, null, failure);
        }
    }

    static List<Setup> setups()
    {
        return List.of(
            new Setup("inmem", "Jetty in-memory (DefaultSessionCache + NullSessionDataStore; baseline)", (nodes, dir) -> BenchServer.inMemory()),
            new Setup("file", "Jetty FileSessionDataStore (baseline)", (nodes, dir) -> BenchServer.fileStore(dir)),
            new Setup("sticky", "this module, sticky (defaults: backupAsync=true, stickyRevalidate 1000 ms)",
                (nodes, dir) -> BenchServer.memcached(nodes, c -> { })),
            new Setup("sticky-sync", "sticky, backupAsync=false", (nodes, dir) -> BenchServer.memcached(nodes, c -> c.setBackupAsync(false))),
            new Setup("nonsticky", "non-sticky, lockingMode=none", (nodes, dir) -> BenchServer.memcached(nodes, c ->
            {
                c.setSticky(false);
                c.setLockingMode("none");
            })),
            new Setup("nonsticky-all", "non-sticky, lockingMode=all", (nodes, dir) -> BenchServer.memcached(nodes, c ->
            {
                c.setSticky(false);
                c.setLockingMode("all");
            })));
    }

    /** Runs the table and prints it; @return the process exit code (2 when wrk is missing) */
    static int run() throws Exception
    {
        Settings settings = Settings.fromSystemProperties();
        Path wrk;
        try
        {
            wrk = WrkLoad.locate();
        }
        catch (IllegalStateException x)
        {
            System.err.println("ERROR: " + x.getMessage());
            return 2;
        }
        if (settings.sessions() < settings.connections())
        {
            System.err.println("ERROR: bench.table.sessions (" + settings.sessions() + ") must be at least bench.table.connections ("
                + settings.connections() + "): every connection needs its own sessions");
            return 2;
        }
        Set<String> known = setups().stream().map(Setup::id).collect(Collectors.toSet());
        List<String> unknown = settings.rows().stream().filter(id -> !known.contains(id)).sorted().toList();
        if (!unknown.isEmpty())
        {
            System.err.println("ERROR: unknown bench.table.rows " + unknown + "; the rows are "
                + setups().stream().map(Setup::id).collect(Collectors.joining(",")));
            return 2;
        }
        List<Setup> setups = setups().stream().filter(s -> settings.runs(s.id())).toList();
        long started = System.nanoTime();
        System.out.printf(Locale.ROOT, "Speed table: %d set-ups, each a read-only then a modifying phase of %d s warm-up + %d s measured; "
                + "wrk -t%d -c%d; %d sessions (Integer counter + %d KB random byte[])%n",
            setups.size(), settings.warmupSeconds(), settings.measureSeconds(), settings.connections(), settings.connections(), settings.sessions(),
            settings.kb());

        List<Row> rows = new ArrayList<>();
        String memcachedVersion;
        try (MemcachedNodes nodes = MemcachedNodes.start(3))
        {
            try (MemcachedTextClient client = MemcachedTextClient.of(nodes.node(0)))
            {
                memcachedVersion = client.stats().getOrDefault("version", "?");
            }
            Map<String, Long> probe = probeOverhead(nodes);
            warmUpJvm(settings, wrk);
            int index = 0;
            for (Setup setup : setups)
            {
                System.out.printf(Locale.ROOT, "[%d/%d] %s ...%n", ++index, setups.size(), setup.name());
                Row row;
                try
                {
                    row = run(setup, settings, wrk, nodes, probe);
                }
                catch (Exception x)
                {
                    row = Row.failed(setup, x.toString());
                }
                rows.add(row);
                System.out.println(detail(row));
            }
        }
        System.out.println();
        System.out.println(table(rows));
        System.out.println();
        System.out.println(settingsLine(settings, wrk, memcachedVersion));
        System.out.printf(Locale.ROOT, "Whole run: %.0f s.%n", (System.nanoTime() - started) / 1e9);
        return 0;
    }

    // ------------------------------------------------------------------------------------------------ one row

    static Row run(Setup setup, Settings settings, Path wrkBinary, MemcachedNodes nodes, Map<String, Long> probe) throws Exception
    {
        System.gc();
        Path scratch = Files.createTempDirectory("speed-table-sessions-");
        try (BenchServer server = setup.starter().start(nodes.nodesProperty(), scratch))
        {
            List<String> cookies = createSessions(server.port(), settings);
            try (WrkLoad wrk = new WrkLoad(wrkBinary, server.port(), slices(cookies, settings.connections())))
            {
                Phase readOnly = phase(wrk, "/app/counter", settings, nodes, probe, new HashMap<>()); // answers that increment nothing
                Map<String, Long> increments = new HashMap<>();
                Phase modifying = phase(wrk, "/app/increment", settings, nodes, probe, increments);
                return new Row(setup, readOnly, modifying, checkCounters(server.port(), cookies, increments), null);
            }
        }
        finally
        {
            LoadBenchmark.deleteTree(scratch);
        }
    }

    /**
     * Unmeasured load on a Jetty in-memory server, half read-only and half modifying, so that the JIT has compiled
     * Jetty's request path before the first row (the baseline) is measured; the rows' own warm-ups then only need to
     * cover their session code.
     */
    private static void warmUpJvm(Settings settings, Path wrkBinary) throws Exception
    {
        if (settings.jvmWarmupSeconds() <= 0)
            return;
        System.out.printf(Locale.ROOT, "JVM warm-up: %d s on a Jetty in-memory server (not measured) ...%n", settings.jvmWarmupSeconds());
        try (BenchServer server = BenchServer.inMemory())
        {
            List<String> cookies = createSessions(server.port(), settings);
            try (WrkLoad wrk = new WrkLoad(wrkBinary, server.port(), slices(cookies, settings.connections())))
            {
                int half = Math.max(1, settings.jvmWarmupSeconds() / 2);
                wrk.run("/app/counter", half);
                wrk.run("/app/increment", Math.max(1, settings.jvmWarmupSeconds() - half));
            }
        }
    }

    /** @return the cookies dealt round robin into one slice per connection: each connection its own sessions */
    private static List<List<String>> slices(List<String> cookies, int connections)
    {
        List<List<String>> slices = new ArrayList<>();
        for (int c = 0; c < connections; c++)
            slices.add(new ArrayList<>());
        for (int i = 0; i < cookies.size(); i++)
            slices.get(i % connections).add(cookies.get(i));
        return slices;
    }

    /** @return the {@code name=value} session cookies of {@code settings.sessions()} new sessions */
    private static List<String> createSessions(int port, Settings settings) throws IOException
    {
        List<String> cookies = new ArrayList<>();
        try (LoadConnection connection = new LoadConnection(port))
        {
            for (int i = 0; i < settings.sessions(); i++)
            {
                LoadConnection.Response created = connection.get("/app/create?kb=" + settings.kb() + "&bytes=1", null);
                if (created.status() != 200 || created.setCookie() == null)
                    throw new IllegalStateException("could not create session " + i + ": HTTP " + created.status() + " " + created.body().trim());
                cookies.add(created.setCookie());
            }
        }
        return cookies;
    }

    /**
     * A warm-up run (discarded, but its 2xx answers are added to {@code answered}), then the measured one between two
     * readings of the CPU times and memcached's stats; each run is followed by half a second for the asynchronous
     * backups it caused to reach memcached, so they count with their own run.
     */
    private static Phase phase(WrkLoad wrk, String path, Settings settings, MemcachedNodes nodes, Map<String, Long> probe,
                               Map<String, Long> answered) throws Exception
    {
        WrkLoad.Result warmup = wrk.run(path, settings.warmupSeconds());
        warmup.okPerCookie().forEach((cookie, n) -> answered.merge(cookie, n, Long::sum));
        Thread.sleep(500);
        Map<String, Long> before = LoadBenchmark.sum(nodes);
        long jvm = Cpu.jvmNanos();
        long memcached = Cpu.processNanos(nodes);
        WrkLoad.Result measured = wrk.run(path, settings.measureSeconds());
        Thread.sleep(500);
        double jvmMicros = Cpu.delta(jvm, Cpu.jvmNanos()) / 1000.0;
        double memcachedMicros = Cpu.delta(memcached, Cpu.processNanos(nodes)) / 1000.0;
        Map<String, Long> after = LoadBenchmark.sum(nodes);
        Map<String, Long> delta = new LinkedHashMap<>();
        after.forEach((stat, value) -> delta.put(stat, Math.max(0, value - before.get(stat) - probe.getOrDefault(stat, 0L))));
        measured.okPerCookie().forEach((cookie, n) -> answered.merge(cookie, n, Long::sum));
        return new Phase(measured, delta, jvmMicros, memcachedMicros);
    }

    /**
     * Reads every session's counter back and compares it with the increments that wrk saw answered 2xx. When wrk stops
     * a run, a request may have reached the server without its answer being counted, so a counter may be ahead by at
     * most one per run (two: warm-up and measured); behind means an update was lost.
     *
     * @return null when all counters are as expected, else what is wrong
     */
    private static String checkCounters(int port, List<String> cookies, Map<String, Long> increments) throws IOException
    {
        int behind = 0;
        int ahead = 0;
        int unreadable = 0;
        try (LoadConnection connection = new LoadConnection(port))
        {
            for (String cookie : cookies)
            {
                LoadConnection.Response response = connection.get("/app/counter", cookie);
                String[] parts = response.body().trim().split(" ");
                if (response.status() != 200 || parts.length != 2 || !parts[0].equals("ok"))
                {
                    unreadable++;
                    continue;
                }
                long difference = Long.parseLong(parts[1]) - increments.getOrDefault(cookie, 0L);
                if (difference < 0)
                    behind++;
                else if (difference > 2)
                    ahead++;
            }
        }
        if (behind == 0 && ahead == 0 && unreadable == 0)
            return null;
        return String.format(Locale.ROOT, "counter check: %d sessions behind (lost updates), %d ahead by more than 2, %d unreadable", behind, ahead,
            unreadable);
    }

    /** What reading the stats itself adds to them (the {@code stats} commands and their answers), to subtract it. */
    private static Map<String, Long> probeOverhead(MemcachedNodes nodes)
    {
        Map<String, Long> first = LoadBenchmark.sum(nodes);
        Map<String, Long> second = LoadBenchmark.sum(nodes);
        Map<String, Long> overhead = new LinkedHashMap<>();
        second.forEach((stat, value) -> overhead.put(stat, value - first.get(stat)));
        return overhead;
    }

    // ------------------------------------------------------------------------------------------------ report

    private static String detail(Row row)
    {
        if (row.failure() != null)
            return "      FAILED: " + row.failure();
        StringBuilder s = new StringBuilder();
        s.append(detail("read-only", row.readOnly())).append('\n').append(detail("modifying", row.modifying()));
        s.append('\n').append("      ").append(row.counterProblem() == null ? "counter check: every counter as expected" : row.counterProblem());
        return s.toString();
    }

    private static String detail(String name, Phase p)
    {
        WrkLoad.Result w = p.wrk();
        return String.format(Locale.ROOT, "      %s: %,.0f req/s (%,d answers in %.1f s), p50 %.2f ms, p99 %.2f ms, non-2xx %d, socket errors %d "
                + "(connect %d, read %d, write %d, timeout %d)%n"
                + "        CPU µs/req: JVM %s, memcached %s, wrk %s; memcached/req: get %.3f, set %.3f, touch %.3f, delete %.3f (ops %.3f), "
                + "bytes to memcached %.0f, from %.0f",
            name, p.requestsPerSecond(), w.requests(), w.seconds(), w.p50Ms(), w.p99Ms(), w.non2xx(), w.socketErrors(), w.connectErrors(),
            w.readErrors(), w.writeErrors(), w.timeouts(), micros(p.jvmMicrosPerRequest()), micros(p.perRequest(p.memcachedCpuMicros())),
            micros(p.wrkMicrosPerRequest()), p.perRequest("cmd_get"), p.perRequest("cmd_set"), p.perRequest("cmd_touch"),
            p.perRequest("delete_hits") + p.perRequest("delete_misses"), p.operationsPerRequest(), p.perRequest("bytes_read"),
            p.perRequest("bytes_written"));
    }

    static String table(List<Row> rows)
    {
        Row baseline = rows.stream().filter(r -> r.setup().id().equals("inmem") && r.failure() == null).findFirst().orElse(null);
        StringBuilder t = new StringBuilder();
        t.append("| setup | read-only rel | CPU µs/req | modifying rel | CPU µs/req | memcached ops/req ro / rw | server CPU µs per memcached op ro / rw |\n");
        t.append("|---|---|---|---|---|---|---|\n");
        for (Row r : rows)
        {
            if (r.failure() != null)
            {
                t.append("| ").append(r.setup().name()).append(" | failed: ").append(r.failure().replace('|', '/')).append(" | | | | | |\n");
                continue;
            }
            Phase ro = r.readOnly();
            Phase rw = r.modifying();
            t.append(String.format(Locale.ROOT, "| %s%s | %s | %s | %s | %s | %s / %s | %s / %s |%n",
                r.setup().name(), warnings(r),
                baseline == null ? "–" : ratio(ro.requestsPerSecond() / baseline.readOnly().requestsPerSecond()), cpu(ro),
                baseline == null ? "–" : ratio(rw.requestsPerSecond() / baseline.modifying().requestsPerSecond()), cpu(rw),
                ops(ro), ops(rw),
                perOperation(ro, baseline == null ? null : baseline.readOnly()), perOperation(rw, baseline == null ? null : baseline.modifying())));
        }
        if (baseline != null)
            t.append(String.format(Locale.ROOT, "%nrel = 2xx req/s over the in-memory row's in the same phase (in-memory: %,.0f req/s read-only, "
                    + "%,.0f req/s modifying). ",
                baseline.readOnly().requestsPerSecond(), baseline.modifying().requestsPerSecond()));
        else
            t.append("\n(no in-memory row, so no rel and no server CPU per memcached op) ");
        t.append("CPU µs/req = the JVM's (Jetty's) + the 3 memcached processes' process CPU time over the measured run, per request (wrk runs in its own "
            + "process, not counted). memcached ops/req = cmd_get + cmd_set (every storage command) + cmd_touch + deletes from `stats` over the "
            + "3 nodes. server CPU µs per memcached op = (the row's JVM µs/req − the in-memory row's) / its ops/req; where ops/req is far below 1 "
            + "(sticky read-only: only the revalidation reads) it divides a small CPU difference by a small number, and the CPU difference is "
            + "mostly the module's own work per request, not its memcached operations.");
        return t.toString();
    }

    /** What a reader of the table must not miss about a row: errors, a failed counter check. */
    private static String warnings(Row r)
    {
        List<String> problems = new ArrayList<>();
        if (r.readOnly().errors() > 0 || r.modifying().errors() > 0)
            problems.add(String.format(Locale.ROOT, "errors: ro %d, rw %d", r.readOnly().errors(), r.modifying().errors()));
        if (r.counterProblem() != null)
            problems.add(r.counterProblem());
        return problems.isEmpty() ? "" : " **(" + String.join("; ", problems) + ")**";
    }

    private static String ratio(double value)
    {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.2f", value);
    }

    private static String cpu(Phase p)
    {
        return micros(p.jvmMicrosPerRequest()) + " + " + micros(p.perRequest(p.memcachedCpuMicros()));
    }

    private static String ops(Phase p)
    {
        return Double.isNaN(p.operationsPerRequest()) ? "–" : String.format(Locale.ROOT, "%.2f", p.operationsPerRequest());
    }

    private static String perOperation(Phase p, Phase baseline)
    {
        double ops = p.operationsPerRequest();
        if (baseline == null || Double.isNaN(ops) || ops < 0.005)
            return "";
        double extra = p.jvmMicrosPerRequest() - baseline.jvmMicrosPerRequest();
        return Double.isNaN(extra) ? "" : String.format(Locale.ROOT, "%.1f", extra / ops);
    }

    private static String micros(double value)
    {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.0f", value);
    }

    private static String settingsLine(Settings s, Path wrk, String memcachedVersion)
    {
        return String.format(Locale.ROOT, "Settings: %d sessions (Integer counter + %d KB random byte[]); read-only = getAttribute(\"counter\"), "
                + "modifying = setAttribute(\"counter\", counter + 1); %d s JVM warm-up, then per phase %d s warm-up (discarded) + %d s measured; "
                + "%s -t%d -c%d (keep-alive, one connection per thread, each with its own sessions), to 127.0.0.1; 3 memcached %s nodes on loopback. "
                + "Machine: nproc %d, %s, %s %s, max heap %d MB.",
            s.sessions(), s.kb(), s.jvmWarmupSeconds(), s.warmupSeconds(), s.measureSeconds(), WrkLoad.version(wrk), s.connections(), s.connections(),
            memcachedVersion,
            Runtime.getRuntime().availableProcessors(), cpuModel(), System.getProperty("java.vm.name"), System.getProperty("java.version"),
            Runtime.getRuntime().maxMemory() >> 20);
    }

    private static String cpuModel()
    {
        try
        {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name")).findFirst()
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("CPU model unknown");
        }
        catch (IOException x)
        {
            return "CPU model unknown";
        }
    }
}
