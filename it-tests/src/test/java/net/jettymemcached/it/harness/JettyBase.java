package net.jettymemcached.it.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A fresh {@code ${jetty.base}} under {@code target/it-work/}, with our distribution unpacked into it (as an operator
 * does with the tar.gz), on top of the stock jetty-home that Maven unpacked.
 */
public final class JettyBase
{
    private static final AtomicInteger COUNTER = new AtomicInteger();

    public static final Path JETTY_HOME = required("it.jetty.home");
    public static final Path DISTRIBUTION = required("it.distribution.dir");
    public static final Path DISTRIBUTION_ZIP = required("it.distribution.zip");
    /** The test webapp for ee10 and ee11 (Servlet 6.0 web.xml); {@link #war(String)} gives each environment's. */
    public static final Path WAR = required("it.war");
    private static final Path WAR_EE9 = required("it.war.ee9");
    private static final Path WAR_EE8 = required("it.war.ee8");
    public static final Path WORK = Path.of(System.getProperty("it.work.dir", "target/it-work")).toAbsolutePath();
    public static final String VERSION = System.getProperty("it.version", "");

    private final Path dir;
    private final AtomicInteger runs = new AtomicInteger();

    private JettyBase(Path dir)
    {
        this.dir = dir;
    }

    private static Path required(String property)
    {
        String value = System.getProperty(property);
        if (value == null || !Files.exists(Path.of(value)))
            throw new IllegalStateException("system property " + property + " must name an existing path (got " + value + "): run the tests with Maven ('mvn verify')");
        return Path.of(value).toAbsolutePath();
    }

    /** A new base with the distribution unpacked and nothing enabled yet. */
    public static JettyBase create(String name) throws IOException
    {
        Path dir = WORK.resolve(name + "-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet());
        Files.createDirectories(dir.resolve("work"));
        try (Stream<Path> files = Files.walk(DISTRIBUTION))
        {
            for (Path source : (Iterable<Path>)files::iterator)
            {
                Path target = dir.resolve(DISTRIBUTION.relativize(source).toString());
                if (Files.isDirectory(source))
                    Files.createDirectories(target);
                else
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return new JettyBase(dir);
    }

    /**
     * A new base with {@code --add-module=http,<env>-deploy,memcached-sessions} (checked to exit 0), the environment's
     * test war as {@code webapps/app.war} (context {@code /app}) and the given ini values.
     */
    public static JettyBase createWithWebapp(String name, String environment, Map<String, String> ini) throws IOException
    {
        JettyBase base = create(name);
        base.addModules("http", environment + "-deploy", "memcached-sessions");
        base.deployWar(war(environment));
        base.ini(ini);
        return base;
    }

    /** The test webapp built for {@code environment}: javax for ee8, a Servlet 5.0 web.xml for ee9. */
    public static Path war(String environment)
    {
        return switch (environment)
        {
            case "ee8" -> WAR_EE8;
            case "ee9" -> WAR_EE9;
            case "ee10", "ee11" -> WAR;
            default -> throw new IllegalArgumentException("no test webapp for environment " + environment);
        };
    }

    public Path dir()
    {
        return dir;
    }

    /** Runs {@code start.jar --add-module=...}; fails with its output unless it exits 0. */
    public String addModules(String... modules) throws IOException
    {
        JettyProcess run = startJar(List.of("--add-module=" + String.join(",", modules)), Map.of(), true);
        int exit = run.awaitExit(60);
        if (exit != 0)
            throw new IllegalStateException("--add-module=" + String.join(",", modules) + " exited " + exit + ":\n" + run.output());
        return run.output();
    }

    /** Runs start.jar with these arguments to completion (e.g. {@code --list-config}); returns its output. */
    public JettyProcess run(String... args) throws IOException
    {
        JettyProcess run = startJar(List.of(args), Map.of(), true);
        run.awaitExit(60);
        return run;
    }

    /** Appends {@code key=value} lines to {@code start.d/memcached-sessions.ini}. */
    public void ini(Map<String, String> values) throws IOException
    {
        StringBuilder lines = new StringBuilder(System.lineSeparator());
        values.forEach((key, value) -> lines.append(key).append('=').append(value).append(System.lineSeparator()));
        Files.writeString(dir.resolve("start.d/memcached-sessions.ini"), lines, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    public void deployWar(Path war) throws IOException
    {
        Files.createDirectories(dir.resolve("webapps"));
        Files.copy(war, dir.resolve("webapps/app.war"), StandardCopyOption.REPLACE_EXISTING);
    }

    /** Starts Jetty as worker {@code worker} on a free loopback port; call {@link JettyProcess#awaitStarted()}. */
    public JettyProcess start(String worker, String... args) throws IOException
    {
        List<String> all = new ArrayList<>(List.of("jetty.http.host=127.0.0.1", "jetty.http.port=0", "jetty.sessionIdManager.workerName=" + worker));
        all.addAll(List.of(args));
        return startJar(all, Map.of("test.worker", worker), false);
    }

    /**
     * @param shortLived a run that ends by itself within a second or so ({@code --add-module}, {@code --list-config}):
     * its JVM only JIT-compiles with C1 and uses the serial GC, which starts about a third faster
     */
    private JettyProcess startJar(List<String> args, Map<String, String> systemProperties, boolean shortLived) throws IOException
    {
        List<String> command = new ArrayList<>();
        command.add(Processes.javaExecutable());
        if (shortLived)
            command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        command.add("-Djava.io.tmpdir=" + dir.resolve("work"));
        systemProperties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(JETTY_HOME.resolve("start.jar").toString());
        command.addAll(args);
        Path log = dir.resolve("run-" + runs.incrementAndGet() + ".log");
        Files.writeString(log, String.join(" ", command) + System.lineSeparator());
        ProcessBuilder builder = new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("JETTY_HOME", JETTY_HOME.toString());
        builder.environment().put("JETTY_BASE", dir.toString());
        return new JettyProcess(Processes.track(builder.start()), log);
    }
}
