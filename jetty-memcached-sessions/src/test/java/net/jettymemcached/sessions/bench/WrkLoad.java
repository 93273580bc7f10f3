package net.jettymemcached.sessions.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The speed table's load generator: <a href="https://github.com/wg/wrk">wrk</a> in its own process, so that the JVM's
 * CPU time is the server's alone (the in-JVM client of the classic benchmark shares it). One wrk thread per
 * connection ({@code -tN -cN}), keep-alive, and each thread with its own slice of the session cookies, sent round
 * robin: requests of one session never overlap, as with a browser. The Lua script is written to a temporary file; it
 * counts the answers that are not 2xx and, per cookie, the 2xx answers (so the caller can check a counter the
 * requests increment), and prints them with wrk's summary in lines starting with {@code WRKLOAD} for this class to
 * parse. wrk runs under {@code sh}, which then reads its own {@code /proc/<pid>/stat}: the children's CPU time there
 * is wrk's, which shows how much of the machine the load generator took. Only {@code 127.0.0.1} is ever the target.
 */
final class WrkLoad implements AutoCloseable
{
    /** What one wrk run measured; latencies in ms, {@code wrkCpuNanos} -1 when unknown. */
    record Result(long requests, double seconds, long non2xx, long connectErrors, long readErrors, long writeErrors, long timeouts,
                  double p50Ms, double p99Ms, Map<String, Long> okPerCookie, long wrkCpuNanos)
    {
        long ok()
        {
            return requests - non2xx;
        }

        long socketErrors()
        {
            return connectErrors + readErrors + writeErrors + timeouts;
        }
    }

    private final Path wrk;
    private final int port;
    private final int connections;
    private final Path script;

    /**
     * @param cookieSlices one list of {@code name=value} cookies per connection (and wrk thread), none empty
     */
    WrkLoad(Path wrk, int port, List<List<String>> cookieSlices) throws IOException
    {
        if (cookieSlices.isEmpty() || cookieSlices.stream().anyMatch(List::isEmpty))
            throw new IllegalArgumentException("every connection needs at least one session: " + cookieSlices.size() + " slices");
        this.wrk = wrk;
        this.port = port;
        this.connections = cookieSlices.size();
        this.script = Files.createTempFile("wrk-load-", ".lua");
        Files.writeString(script, script(cookieSlices), StandardCharsets.UTF_8);
    }

    /**
     * @return the wrk binary: {@code -Dbench.wrk}, else {@code /usr/bin/wrk}, else the first {@code wrk} on the PATH
     * @throws IllegalStateException saying how to get it, when there is none
     */
    static Path locate()
    {
        String configured = System.getProperty("bench.wrk");
        if (configured != null && !configured.isBlank())
        {
            Path path = Path.of(configured);
            if (Files.isExecutable(path))
                return path;
            throw new IllegalStateException("-Dbench.wrk=" + configured + " is not an executable file");
        }
        List<Path> candidates = new ArrayList<>();
        candidates.add(Path.of("/usr/bin/wrk"));
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        {
            if (!dir.isBlank())
                candidates.add(Path.of(dir, "wrk"));
        }
        for (Path candidate : candidates)
        {
            if (Files.isExecutable(candidate))
                return candidate;
        }
        throw new IllegalStateException("wrk (the HTTP load generator) is not installed: not at /usr/bin/wrk nor on the PATH. "
            + "Install it (Debian/Ubuntu: apt-get install -y wrk) or point -Dbench.wrk=/path/to/wrk at it.");
    }

    /** @return wrk's own version line, e.g. {@code wrk debian/4.1.0-3+b2 [epoll]} ({@code wrk -v} prints it and exits 1) */
    static String version(Path wrk)
    {
        try
        {
            Process p = new ProcessBuilder(wrk.toString(), "-v").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(5, TimeUnit.SECONDS);
            String first = out.lines().findFirst().orElse("").trim();
            int copyright = first.indexOf(" Copyright");
            return copyright < 0 ? first : first.substring(0, copyright);
        }
        catch (IOException | InterruptedException x)
        {
            return "wrk (version unknown)";
        }
    }

    /** Sends GET {@code pathAndQuery} for {@code seconds} over all connections; returns when wrk has ended. */
    Result run(String pathAndQuery, int seconds) throws IOException, InterruptedException
    {
        List<String> command = new ArrayList<>(List.of("sh", "-c",
            "\"$@\"; rc=$?; read -r stat < /proc/$$/stat; echo \"WRKLOAD shell-stat $stat\"; exit $rc", "sh",
            wrk.toString(), "-t" + connections, "-c" + connections, "-d" + seconds + "s", "--timeout", "10s", "-s", script.toString(),
            "http://127.0.0.1:" + port + pathAndQuery));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try
        {
            // wrk -d stops by itself; the bound is for a wrk that hangs, and the process is ours to end then.
            output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(seconds + 60L, TimeUnit.SECONDS))
                throw new IOException("wrk did not end");
        }
        finally
        {
            if (process.isAlive())
            {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
        if (process.exitValue() != 0)
            throw new IOException("wrk exited with " + process.exitValue() + ": " + output.trim());
        return parse(output);
    }

    private static Result parse(String output) throws IOException
    {
        Map<String, Long> summary = new HashMap<>();
        Map<String, Long> okPerCookie = new HashMap<>();
        long non2xx = 0;
        long wrkCpuNanos = -1;
        for (String line : output.lines().toList())
        {
            if (!line.startsWith("WRKLOAD "))
                continue;
            String rest = line.substring("WRKLOAD ".length());
            if (rest.startsWith("ok "))
            {
                String[] parts = rest.split(" ");
                okPerCookie.merge(parts[1], Long.parseLong(parts[2]), Long::sum);
            }
            else if (rest.startsWith("non2xx="))
            {
                non2xx += Long.parseLong(rest.substring("non2xx=".length()).trim());
            }
            else if (rest.startsWith("shell-stat "))
            {
                wrkCpuNanos = childrenCpuNanos(rest.substring("shell-stat ".length()));
            }
            else
            {
                for (String pair : rest.split(" "))
                {
                    int eq = pair.indexOf('=');
                    if (eq > 0)
                        summary.put(pair.substring(0, eq), Long.parseLong(pair.substring(eq + 1)));
                }
            }
        }
        if (!summary.containsKey("requests"))
            throw new IOException("no summary in wrk's output: " + output.trim());
        return new Result(summary.get("requests"), summary.get("duration_us") / 1e6, non2xx, summary.get("connect"), summary.get("read"),
            summary.get("write"), summary.get("timeout"), summary.get("p50_us") / 1000.0, summary.get("p99_us") / 1000.0, okPerCookie,
            wrkCpuNanos);
    }

    /** The waited-for children's CPU time (cutime + cstime, fields 16 and 17) of a {@code /proc/<pid>/stat} line, or -1. */
    private static long childrenCpuNanos(String stat)
    {
        try
        {
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Cpu.ticksToNanos(Long.parseLong(fields[13]) + Long.parseLong(fields[14]));
        }
        catch (RuntimeException x)
        {
            return -1;
        }
    }

    /**
     * The Lua script. {@code setup} runs in wrk's main Lua state once per thread, in thread order, and hands each
     * thread its slice as one string; {@code init} builds that thread's requests once; {@code request} takes them round
     * robin. With one connection per thread a response always answers the request built last, so {@code response}
     * knows its cookie. {@code done} runs in the main state after all threads ended and reads their counters.
     */
    private static String script(List<List<String>> cookieSlices)
    {
        StringBuilder s = new StringBuilder(8192);
        s.append("-- Written by the load benchmark (WrkLoad): one connection per wrk thread, each thread with its own sessions.\n");
        s.append("local slices = {\n");
        for (List<String> slice : cookieSlices)
            s.append("  ").append(lua(String.join("\n", slice))).append(",\n");
        s.append("}\n");
        s.append("""
            local threads = {}

            function setup(thread)
              table.insert(threads, thread)
              thread:set("slice", slices[#threads])
            end

            local cookies = {}
            local requests = {}
            local current = 0
            ok = {}
            non2xx = 0

            function init(args)
              for cookie in string.gmatch(slice, "[^\\n]+") do
                cookies[#cookies + 1] = cookie
                requests[#requests + 1] = wrk.format("GET", nil, { ["Cookie"] = cookie })
                ok[cookie] = 0
              end
            end

            function request()
              current = current % #requests + 1
              return requests[current]
            end

            function response(status, headers, body)
              if status >= 200 and status < 300 then
                local cookie = cookies[current]
                ok[cookie] = ok[cookie] + 1
              else
                non2xx = non2xx + 1
              end
            end

            function done(summary, latency, answered)
              local e = summary.errors
              io.write(string.format("WRKLOAD requests=%d duration_us=%d connect=%d read=%d write=%d status=%d timeout=%d p50_us=%d p99_us=%d\\n",
                summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
                latency:percentile(50.0), latency:percentile(99.0)))
              for _, thread in ipairs(threads) do
                io.write(string.format("WRKLOAD non2xx=%d\\n", thread:get("non2xx")))
                for cookie, n in pairs(thread:get("ok")) do
                  io.write(string.format("WRKLOAD ok %s %d\\n", cookie, n))
                end
              end
            end
            """);
        return s.toString();
    }

    /** A Lua string literal of {@code value}. */
    private static String lua(String value)
    {
        StringBuilder s = new StringBuilder(value.length() + 2).append('"');
        for (char c : value.toCharArray())
        {
            if (c == '"' || c == '\\')
                s.append('\\').append(c);
            else if (c < 0x20 || c > 0x7e)
                s.append(String.format(Locale.ROOT, "\\%03d", (int)c & 0xff));
            else
                s.append(c);
        }
        return s.append('"').toString();
    }

    @Override
    public void close() throws IOException
    {
        Files.deleteIfExists(script);
    }
}
