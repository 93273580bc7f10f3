package net.jettymemcached.sessions.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import net.jettymemcached.sessions.testing.MemcachedNodes;
import net.jettymemcached.sessions.testing.MemcachedProcess;
import net.jettymemcached.sessions.testing.MemcachedTextClient;

/**
 * Load benchmark. By default it prints the speed table of issue 12 ({@link SpeedTable}: read-only and modifying
 * requests per set-up, relative to Jetty's in-memory sessions, CPU per request and memcached operations per request,
 * with wrk as the load generator in its own process, see {@link WrkLoad}); about 5.5 minutes on 2 CPUs. Its settings:
 * {@code bench.table.warmup} (5 s per phase), {@code bench.table.measure} (20 s per phase), {@code bench.table.jvmWarmup}
 * (10 s of unmeasured load before the first row), {@code bench.table.sessions}
 * (200), {@code bench.table.kb} (1), {@code bench.table.connections} (16), {@code bench.table.rows} (ids, e.g.
 * {@code inmem,sticky}) and {@code bench.wrk} (path of wrk).
 * <p>
 * With {@code -Dbench.classic=true} (or any {@code bench.variants}) it runs the classic, detailed variants instead (spec
 * §4 "Benchmarks"): request throughput, latency and memcached traffic per request of
 * <ol>
 * <li>Jetty's in-memory sessions ({@code DefaultSessionCache} + {@code NullSessionDataStore}),</li>
 * <li>this module sticky ({@code backupAsync=true}, the default), the same confirming the cached copy on every request
 * ({@code stickyRevalidate=0}: the cost of the freshness check at its most), the same with Jetty's {@code savePeriod} at 60 s
 * (requests that change nothing then write nothing for a minute) and</li>
 * <li>sticky with {@code backupAsync=false},</li>
 * <li>this module non-sticky with {@code lockingMode=none} and with {@code lockingMode=all},</li>
 * <li>Jetty's {@code FileSessionDataStore} (temporary directory, {@code DefaultSessionCache}),</li>
 * </ol>
 * plus a non-sticky read-only row with 10 KB sessions (the spec's "≤ 200 bytes to memcached" target), against 3 real
 * memcached processes on loopback that this benchmark starts (test fixture {@link MemcachedNodes}) and always stops.
 * <p>
 * Per classic variant: one embedded Jetty on 127.0.0.1 ({@link BenchServer}, {@link BenchServlet}); N client sessions are
 * created first, each with a ~2 KB attribute; then client threads, each with one keep-alive HTTP/1.1 connection and
 * its own share of the sessions (so no two requests of one session overlap, as with a browser), send a mix of
 * read-only {@code /app/get} and modifying {@code /app/update} requests: a warm-up phase (discarded), then a measured
 * phase, each bounded by time and by a request count. memcached {@code stats} over all nodes are read before and after
 * the measured phase. The client runs in the same JVM as the server and shares the CPUs with it and with memcached.
 * <p>
 * Not a test (never run by the test suite: no JUnit, and surefire only picks {@code *Test} classes). Run it from the
 * project root with the command in {@link #COMMAND} (printed at the end of each run), settings as system properties put
 * before {@code -cp}; the classic run takes about 3.5 minutes on 2 CPUs. Its settings: {@code bench.sessions} (50),
 * {@code bench.threads} (8), {@code bench.kb} (2), {@code bench.writePercent} (10), {@code bench.warmup} (8 s),
 * {@code bench.measure} (18 s), {@code bench.maxRequests} (per phase, 5,000,000),
 * {@code bench.bigKb}/{@code bench.bigWarmup}/{@code bench.bigMeasure} (10 KB read-only row: 10, 3 s, 7 s) and
 * {@code bench.variants} (comma-separated ids, e.g. {@code inmem,sticky}).
 */
public final class LoadBenchmark
{
    static final String COMMAND = "mvn -q -pl jetty-memcached-sessions -am test-compile dependency:build-classpath -Dmdep.includeScope=test "
        + "-Dmdep.outputFile=target/bench.classpath && java -cp \"jetty-memcached-sessions/target/test-classes:jetty-memcached-sessions/target/classes:"
        + "$(cat jetty-memcached-sessions/target/bench.classpath)\" net.jettymemcached.sessions.bench.LoadBenchmark";

    /** memcached counters summed over all nodes; deletes are delete_hits + delete_misses. */
    private static final List<String> STATS = List.of("cmd_get", "cmd_set", "cmd_touch", "delete_hits", "delete_misses", "bytes_read", "bytes_written");

    private LoadBenchmark()
    {
    }

    /** Settings, all overridable with {@code -Dbench.<name>=value}. */
    record Settings(int sessions, int threads, int sessionKb, int writePercent, int warmupSeconds, int measureSeconds,
                    long maxRequestsPerPhase, int bigKb, int bigWarmupSeconds, int bigMeasureSeconds, Set<String> variants)
    {
        static Settings fromSystemProperties()
        {
            String only = System.getProperty("bench.variants", "");
            return new Settings(
                Integer.getInteger("bench.sessions", 50),
                Integer.getInteger("bench.threads", 8),
                Integer.getInteger("bench.kb", 2),
                Integer.getInteger("bench.writePercent", 10),
                Integer.getInteger("bench.warmup", 8),
                Integer.getInteger("bench.measure", 18),
                Long.getLong("bench.maxRequests", 5_000_000L),
                Integer.getInteger("bench.bigKb", 10),
                Integer.getInteger("bench.bigWarmup", 3),
                Integer.getInteger("bench.bigMeasure", 7),
                only.isBlank() ? Set.of() : Arrays.stream(only.split(",")).map(String::trim).collect(Collectors.toSet()));
        }

        boolean runs(String id)
        {
            return variants.isEmpty() || variants.contains(id);
        }
    }

    @FunctionalInterface
    interface ServerStarter
    {
        BenchServer start(String nodes, Path scratch) throws Exception;
    }

    record Variant(String id, String name, ServerStarter starter, int sessionKb, int writePercent, int warmupSeconds, int measureSeconds)
    {
    }

    /** What one variant measured; {@code failure} is set when it could not run. */
    record Result(Variant variant, long ok, long errors, double seconds, double p50Ms, double p99Ms, double readP50Ms, double readP99Ms,
                  double writeP50Ms, double writeP99Ms, long reads, long writes, Map<String, Long> memcached, Map<String, Long> errorKinds,
                  long renewedCookies, double jvmCpuMicros, double memcachedCpuMicros, String failure)
    {
        double requestsPerSecond()
        {
            return ok / seconds;
        }

        double perRequest(String stat)
        {
            long requests = ok + errors;
            return requests == 0 ? Double.NaN : memcached.getOrDefault(stat, 0L) / (double)requests;
        }

        double deletesPerRequest()
        {
            return perRequest("delete_hits") + perRequest("delete_misses");
        }

        static Result failed(Variant variant, String failure)
        {
            return new Result(variant, 0, 0, 1, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, 0, Map.of(),
                Map.of(), 0, Double.NaN, Double.NaN, failure);
        }

        /** CPU time per request of this JVM (client threads included) and of the 3 memcached processes, in µs. */
        double cpuPerRequest(double micros)
        {
            long requests = ok + errors;
            return requests == 0 ? Double.NaN : micros / requests;
        }
    }

    public static void main(String[] args) throws Exception
    {
        // No "Started Server@..." / "node n1 is up" lines between the results; warnings still show.
        if (System.getProperty("org.eclipse.jetty.LEVEL") == null)
            System.setProperty("org.eclipse.jetty.LEVEL", "WARN");
        if (System.getProperty("net.jettymemcached.LEVEL") == null)
            System.setProperty("net.jettymemcached.LEVEL", "WARN");
        if (Boolean.getBoolean("bench.classic") || System.getProperty("bench.variants") != null)
        {
            classic();
            return;
        }
        int exit = SpeedTable.run();
        if (exit != 0)
            System.exit(exit);
        System.out.printf(Locale.ROOT, "Command (from the project root; -D settings before -cp):%n%s%n", COMMAND);
    }

    /** The detailed variants: client threads in this JVM, a read/modify mix, latencies and bytes per request. */
    static void classic() throws Exception
    {
        Settings settings = Settings.fromSystemProperties();
        List<Variant> variants = variants(settings).stream().filter(v -> settings.runs(v.id())).toList();
        long started = System.nanoTime();

        System.out.printf(Locale.ROOT, "Load benchmark: %d variants, %d client sessions (%d KB attribute each), %d client threads, %d%% modifying requests, "
                + "%d s warm-up + %d s measured per variant (10 KB row: %d s + %d s)%n",
            variants.size(), settings.sessions(), settings.sessionKb(), settings.threads(), settings.writePercent(), settings.warmupSeconds(),
            settings.measureSeconds(), settings.bigWarmupSeconds(), settings.bigMeasureSeconds());
        System.out.printf(Locale.ROOT, "Machine: %d CPUs, %s %s, max heap %d MB. ONE JVM runs both the HTTP client threads and the Jetty server; "
                + "they share the CPUs with each other and with the 3 memcached processes, so compare the variants with each other, "
                + "not with a real deployment.%n",
            Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"), System.getProperty("java.version"),
            Runtime.getRuntime().maxMemory() >> 20);

        List<Result> results = new ArrayList<>();
        try (MemcachedNodes nodes = MemcachedNodes.start(3))
        {
            Map<String, String> first = stats(nodes.node(0));
            System.out.printf(Locale.ROOT, "memcached %s, 3 nodes on loopback: %s (started by this benchmark, stopped at its end)%n%n",
                first.get("version"), nodes.nodesProperty());
            Map<String, Long> probeOverhead = overhead(nodes);
            int index = 0;
            for (Variant variant : variants)
            {
                index++;
                System.out.printf(Locale.ROOT, "[%d/%d] %s ...%n", index, variants.size(), variant.name());
                Result result;
                try
                {
                    result = run(variant, settings, nodes, probeOverhead);
                }
                catch (Exception x)
                {
                    result = Result.failed(variant, x.toString());
                }
                results.add(result);
                System.out.println("      " + detail(result));
            }
        }
        System.out.println();
        System.out.println(table(results));
        System.out.println(targets(results));
        System.out.printf(Locale.ROOT, "Whole run: %.0f s. Command:%n%s%n", (System.nanoTime() - started) / 1e9, COMMAND);
    }

    static List<Variant> variants(Settings s)
    {
        int kb = s.sessionKb();
        int w = s.writePercent();
        int warm = s.warmupSeconds();
        int measure = s.measureSeconds();
        return List.of(
            new Variant("inmem", "Jetty in-memory (DefaultSessionCache + NullSessionDataStore)", (nodes, dir) -> BenchServer.inMemory(), kb, w, warm, measure),
            new Variant("sticky", "memcached sticky, backupAsync=true (default)",
                (nodes, dir) -> BenchServer.memcached(nodes, c -> c.setBackupAsync(true)), kb, w, warm, measure),
            new Variant("sticky-revalidate0", "memcached sticky, backupAsync=true, stickyRevalidate=0 (every request confirms its copy)",
                (nodes, dir) -> BenchServer.memcached(nodes, c -> { c.setBackupAsync(true); c.setStickyRevalidateMillis(0); }), kb, w, warm, measure),
            new Variant("sticky-save60", "memcached sticky, backupAsync=true, savePeriod=60 s",
                (nodes, dir) -> BenchServer.memcached(nodes, c -> c.setBackupAsync(true), 60), kb, w, warm, measure),
            new Variant("sticky-sync", "memcached sticky, backupAsync=false",
                (nodes, dir) -> BenchServer.memcached(nodes, c -> c.setBackupAsync(false)), kb, w, warm, measure),
            new Variant("nonsticky", "memcached non-sticky, lockingMode=none",
                (nodes, dir) -> BenchServer.memcached(nodes, c ->
                {
                    c.setSticky(false);
                    c.setLockingMode("none");
                }), kb, w, warm, measure),
            new Variant("nonsticky-all", "memcached non-sticky, lockingMode=all",
                (nodes, dir) -> BenchServer.memcached(nodes, c ->
                {
                    c.setSticky(false);
                    c.setLockingMode("all");
                }), kb, w, warm, measure),
            new Variant("file", "Jetty FileSessionDataStore (DefaultSessionCache)", (nodes, dir) -> BenchServer.fileStore(dir), kb, w, warm, measure),
            new Variant("nonsticky-10kb-ro", "memcached non-sticky, lockingMode=none, " + s.bigKb() + " KB session, read-only",
                (nodes, dir) -> BenchServer.memcached(nodes, c ->
                {
                    c.setSticky(false);
                    c.setLockingMode("none");
                }), s.bigKb(), 0, s.bigWarmupSeconds(), s.bigMeasureSeconds()));
    }

    // ------------------------------------------------------------------------------------------------ one variant

    static Result run(Variant variant, Settings settings, MemcachedNodes nodes, Map<String, Long> probeOverhead) throws Exception
    {
        System.gc();
        Path scratch = Files.createTempDirectory("load-bench-sessions-");
        try (BenchServer server = variant.starter().start(nodes.nodesProperty(), scratch))
        {
            int threads = Math.max(1, Math.min(settings.threads(), settings.sessions()));
            List<List<ClientSession>> owned = new ArrayList<>();
            for (int t = 0; t < threads; t++)
                owned.add(new ArrayList<>());
            try (LoadConnection setup = new LoadConnection(server.port()))
            {
                for (int i = 0; i < settings.sessions(); i++)
                {
                    LoadConnection.Response created = setup.get("/app/create?kb=" + variant.sessionKb(), null);
                    if (created.status() != 200 || created.setCookie() == null)
                        throw new IllegalStateException("could not create session " + i + ": HTTP " + created.status() + " " + created.body().trim());
                    owned.get(i % threads).add(new ClientSession(created.setCookie(), variant.sessionKb() * 1024));
                }
            }
            List<Worker> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++)
                workers.add(new Worker(new LoadConnection(server.port()), owned.get(t), variant.writePercent(), 42 + t));
            try
            {
                long perThread = Math.max(1, settings.maxRequestsPerPhase() / threads);
                phase(workers, variant.warmupSeconds(), perThread, false);
                Thread.sleep(500); // backups written asynchronously by the warm-up must not count
                Map<String, Long> before = sum(nodes);
                long jvmCpu = Cpu.jvmNanos();
                long memcachedCpu = Cpu.processNanos(nodes);
                double seconds = phase(workers, variant.measureSeconds(), perThread, true);
                Thread.sleep(500); // let the asynchronous backups of the measured requests reach memcached
                double jvmCpuMicros = Cpu.delta(jvmCpu, Cpu.jvmNanos()) / 1000.0;
                double memcachedCpuMicros = Cpu.delta(memcachedCpu, Cpu.processNanos(nodes)) / 1000.0;
                Map<String, Long> after = sum(nodes);
                Map<String, Long> delta = new LinkedHashMap<>();
                for (String stat : STATS)
                    delta.put(stat, Math.max(0, after.get(stat) - before.get(stat) - probeOverhead.get(stat)));
                return result(variant, workers, seconds, delta, jvmCpuMicros, memcachedCpuMicros);
            }
            finally
            {
                workers.forEach(w -> w.connection.close());
            }
        }
        finally
        {
            deleteTree(scratch);
        }
    }

    /** Runs all workers for {@code seconds} (or until each has sent {@code perThread} requests); returns the elapsed time. */
    private static double phase(List<Worker> workers, int seconds, long perThread, boolean record) throws InterruptedException
    {
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < workers.size(); i++)
        {
            Worker worker = workers.get(i);
            worker.reset(end, perThread, record);
            Thread thread = new Thread(worker, "load-client-" + i);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads)
            thread.join();
        return (System.nanoTime() - start) / 1e9;
    }

    private static Result result(Variant variant, List<Worker> workers, double seconds, Map<String, Long> memcached, double jvmCpuMicros,
                                 double memcachedCpuMicros)
    {
        long ok = 0;
        long errors = 0;
        long renewed = 0;
        Map<String, Long> kinds = new TreeMap<>();
        IntList reads = new IntList();
        IntList writes = new IntList();
        for (Worker w : workers)
        {
            ok += w.ok;
            errors += w.errors;
            renewed += w.renewedCookies;
            w.errorKinds.forEach((k, n) -> kinds.merge(k, n, Long::sum));
            reads.addAll(w.readMicros);
            writes.addAll(w.writeMicros);
        }
        IntList all = new IntList();
        all.addAll(reads);
        all.addAll(writes);
        int[] a = all.sorted();
        int[] r = reads.sorted();
        int[] wr = writes.sorted();
        return new Result(variant, ok, errors, seconds, percentile(a, 0.50), percentile(a, 0.99), percentile(r, 0.50), percentile(r, 0.99),
            percentile(wr, 0.50), percentile(wr, 0.99), r.length, wr.length, memcached, kinds, renewed, jvmCpuMicros, memcachedCpuMicros, null);
    }

    /** Nearest-rank percentile of microsecond values, in milliseconds. */
    static double percentile(int[] sortedMicros, double p)
    {
        if (sortedMicros.length == 0)
            return Double.NaN;
        int rank = (int)Math.ceil(p * sortedMicros.length);
        return sortedMicros[Math.max(0, Math.min(sortedMicros.length - 1, rank - 1))] / 1000.0;
    }

    // ------------------------------------------------------------------------------------------------ client side

    /** A browser's session as the client knows it: the cookie, the payload size and the counter it expects. */
    static final class ClientSession
    {
        String cookie;
        final int payloadChars;
        int counter;

        ClientSession(String cookie, int payloadChars)
        {
            this.cookie = cookie;
            this.payloadChars = payloadChars;
        }
    }

    /** One client thread's loop over its own connection and sessions; checks every answer against what it expects. */
    static final class Worker implements Runnable
    {
        final LoadConnection connection;
        final List<ClientSession> sessions;
        final int writePercent;
        final SplittableRandom random;
        long end;
        long max;
        boolean record;
        long ok;
        long errors;
        long renewedCookies;
        final Map<String, Long> errorKinds = new TreeMap<>();
        final IntList readMicros = new IntList();
        final IntList writeMicros = new IntList();

        Worker(LoadConnection connection, List<ClientSession> sessions, int writePercent, long seed)
        {
            this.connection = connection;
            this.sessions = sessions;
            this.writePercent = writePercent;
            this.random = new SplittableRandom(seed);
        }

        void reset(long end, long max, boolean record)
        {
            this.end = end;
            this.max = max;
            this.record = record;
            ok = 0;
            errors = 0;
            renewedCookies = 0;
            errorKinds.clear();
            readMicros.clear();
            writeMicros.clear();
        }

        @Override
        public void run()
        {
            for (long sent = 0; sent < max && System.nanoTime() < end; sent++)
            {
                ClientSession session = sessions.get(random.nextInt(sessions.size()));
                boolean write = random.nextInt(100) < writePercent;
                long t0 = System.nanoTime();
                try
                {
                    LoadConnection.Response response = connection.get(write ? "/app/update" : "/app/get", session.cookie);
                    int micros = (int)Math.min(Integer.MAX_VALUE, (System.nanoTime() - t0) / 1000);
                    if (response.setCookie() != null && !response.setCookie().equals(session.cookie))
                    {
                        session.cookie = response.setCookie();
                        renewedCookies++;
                    }
                    String problem = check(response, session, write);
                    if (problem != null)
                    {
                        error(problem);
                        continue;
                    }
                    ok++;
                    if (record)
                        (write ? writeMicros : readMicros).add(micros);
                }
                catch (IOException | RuntimeException x)
                {
                    error(x.getClass().getSimpleName());
                }
            }
        }

        /** @return null if the answer is right: 200, the full payload, and the counter this client last set */
        private static String check(LoadConnection.Response response, ClientSession session, boolean write)
        {
            if (response.status() != 200)
                return "HTTP " + response.status();
            String[] parts = response.body().trim().split(" ");
            if (parts.length != 3 || !parts[0].equals("ok"))
                return "bad body";
            if (Integer.parseInt(parts[1]) != session.payloadChars)
                return "payload lost";
            int counter = Integer.parseInt(parts[2]);
            int expected = write ? session.counter + 1 : session.counter;
            session.counter = counter;
            return counter == expected ? null : (counter < expected ? "stale or lost update" : "counter ahead");
        }

        private void error(String kind)
        {
            errors++;
            errorKinds.merge(kind, 1L, Long::sum);
        }
    }

    /** A growable int array: latencies in microseconds. */
    static final class IntList
    {
        private int[] values = new int[1 << 14];
        private int size;

        void add(int value)
        {
            if (size == values.length)
                values = Arrays.copyOf(values, size * 2);
            values[size++] = value;
        }

        void addAll(IntList other)
        {
            for (int i = 0; i < other.size; i++)
                add(other.values[i]);
        }

        void clear()
        {
            size = 0;
        }

        int[] sorted()
        {
            int[] copy = Arrays.copyOf(values, size);
            Arrays.sort(copy);
            return copy;
        }
    }

    // ------------------------------------------------------------------------------------------------ memcached stats

    private static Map<String, String> stats(MemcachedProcess node)
    {
        try (MemcachedTextClient client = MemcachedTextClient.of(node))
        {
            return client.stats();
        }
    }

    /** The {@link #STATS} counters summed over all running nodes (one {@code stats} command per node). */
    static Map<String, Long> sum(MemcachedNodes nodes)
    {
        Map<String, Long> total = new LinkedHashMap<>();
        STATS.forEach(s -> total.put(s, 0L));
        for (MemcachedProcess node : nodes.all())
        {
            if (!node.isRunning())
                continue;
            Map<String, String> stats = stats(node);
            for (String stat : STATS)
                total.merge(stat, Long.parseLong(stats.getOrDefault(stat, "0")), Long::sum);
        }
        return total;
    }

    /** What reading the stats itself adds to them (the {@code stats} command and its answer), to subtract it. */
    private static Map<String, Long> overhead(MemcachedNodes nodes)
    {
        Map<String, Long> first = sum(nodes);
        Map<String, Long> second = sum(nodes);
        Map<String, Long> overhead = new LinkedHashMap<>();
        for (String stat : STATS)
            overhead.put(stat, second.get(stat) - first.get(stat));
        return overhead;
    }

    // ------------------------------------------------------------------------------------------------ report

    private static String detail(Result r)
    {
        if (r.failure() != null)
            return "FAILED: " + r.failure();
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%,.0f req/s (%,d ok in %.1f s), p50 %s ms, p99 %s ms; reads %,d p50/p99 %s/%s ms, "
                + "writes %,d p50/p99 %s/%s ms; errors %d",
            r.requestsPerSecond(), r.ok(), r.seconds(), ms(r.p50Ms()), ms(r.p99Ms()), r.reads(), ms(r.readP50Ms()), ms(r.readP99Ms()), r.writes(),
            ms(r.writeP50Ms()), ms(r.writeP99Ms()), r.errors()));
        if (!r.errorKinds().isEmpty())
            s.append(' ').append(r.errorKinds());
        if (r.renewedCookies() > 0)
            s.append(String.format(Locale.ROOT, "; %d new session cookies", r.renewedCookies()));
        s.append(String.format(Locale.ROOT, "%n      CPU per request: JVM (server + client) %s µs, memcached processes %s µs",
            us(r.cpuPerRequest(r.jvmCpuMicros())), us(r.cpuPerRequest(r.memcachedCpuMicros()))));
        s.append(String.format(Locale.ROOT, "%n      memcached per request: get %.3f, set %.3f, touch %.3f, delete %.3f, bytes to memcached %.1f, from memcached %.1f "
                + "(totals %s)",
            r.perRequest("cmd_get"), r.perRequest("cmd_set"), r.perRequest("cmd_touch"), r.deletesPerRequest(), r.perRequest("bytes_read"),
            r.perRequest("bytes_written"), r.memcached()));
        return s.toString();
    }

    private static String us(double value)
    {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.0f", value);
    }

    private static String ms(double value)
    {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.2f", value);
    }

    static String table(List<Result> results)
    {
        double inMemory = results.stream().filter(r -> r.variant().id().equals("inmem") && r.failure() == null)
            .mapToDouble(Result::requestsPerSecond).findFirst().orElse(Double.NaN);
        StringBuilder t = new StringBuilder();
        t.append("| variant | session | mix (read/modify) | req/s | vs in-memory | p50 ms | p99 ms | errors | memcached get/req | set/req | touch/req "
            + "| delete/req | bytes to memcached/req | bytes from memcached/req | CPU µs/req JVM + memcached |\n");
        t.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Result r : results)
        {
            Variant v = r.variant();
            String mix = (100 - v.writePercent()) + "/" + v.writePercent();
            if (r.failure() != null)
            {
                t.append(String.format(Locale.ROOT, "| %s | %d KB | %s | failed: %s | | | | | | | | | | | |%n", v.name(), v.sessionKb(), mix,
                    r.failure().replace('|', '/')));
                continue;
            }
            t.append(String.format(Locale.ROOT, "| %s | %d KB | %s | %,.0f | %s | %s | %s | %d | %.2f | %.2f | %.2f | %.2f | %,.0f | %,.0f | %s + %s |%n",
                v.name(), v.sessionKb(), mix, r.requestsPerSecond(),
                Double.isNaN(inMemory) ? "–" : String.format(Locale.ROOT, "%.0f %%", 100 * r.requestsPerSecond() / inMemory),
                ms(r.p50Ms()), ms(r.p99Ms()), r.errors(), r.perRequest("cmd_get"), r.perRequest("cmd_set"), r.perRequest("cmd_touch"),
                r.deletesPerRequest(), r.perRequest("bytes_read"), r.perRequest("bytes_written"), us(r.cpuPerRequest(r.jvmCpuMicros())),
                us(r.cpuPerRequest(r.memcachedCpuMicros()))));
        }
        t.append("\nmemcached columns: `stats` deltas over the 3 nodes during the measured phase divided by the requests sent in it ")
            .append("(set counts every storage command: set, add, append, cas; bytes to memcached = its bytes_read, from = its bytes_written). ")
            .append("CPU: this JVM's process CPU time (Jetty and the load client together) and the memcached processes' (from /proc), ")
            .append("over the measured phase, per request.");
        return t.toString();
    }

    static String targets(List<Result> results)
    {
        Map<String, Result> byId = results.stream().filter(r -> r.failure() == null)
            .collect(Collectors.toMap(r -> r.variant().id(), r -> r, (a, b) -> a, LinkedHashMap::new));
        StringBuilder s = new StringBuilder("\nSpec targets (§4):\n");
        Result in = byId.get("inmem");
        Result sticky = byId.get("sticky");
        if (in != null && sticky != null)
        {
            double ratio = sticky.requestsPerSecond() / in.requestsPerSecond();
            s.append(String.format(Locale.ROOT, "- sticky >= 90 %% of in-memory throughput: %.0f %% -> %s%n", 100 * ratio, ratio >= 0.9 ? "MET" : "NOT MET"));
        }
        Result saving = byId.get("sticky-save60");
        if (in != null && saving != null)
            s.append(String.format(Locale.ROOT, "  (sticky with savePeriod=60 s: %.0f %% of in-memory)%n", 100 * saving.requestsPerSecond() / in.requestsPerSecond()));
        Result big = byId.get("nonsticky-10kb-ro");
        if (big != null)
        {
            double bytes = big.perRequest("bytes_read");
            s.append(String.format(Locale.ROOT, "- non-sticky read-only request on a %d KB session sends <= 200 bytes to memcached: %.0f bytes -> %s%n",
                big.variant().sessionKb(), bytes, bytes <= 200 ? "MET" : "NOT MET"));
        }
        return s.toString();
    }

    static void deleteTree(Path root) throws IOException
    {
        if (!Files.exists(root))
            return;
        try (Stream<Path> paths = Files.walk(root))
        {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList())
                Files.deleteIfExists(p);
        }
    }
}
