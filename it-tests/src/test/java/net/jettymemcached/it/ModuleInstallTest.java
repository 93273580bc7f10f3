package net.jettymemcached.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import net.jettymemcached.it.harness.JettyBase;
import net.jettymemcached.it.harness.JettyProcess;
import org.junit.jupiter.api.Test;

import static net.jettymemcached.it.harness.JettyBase.DISTRIBUTION;
import static net.jettymemcached.it.harness.JettyBase.JETTY_HOME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scenario a: the distribution's layout, {@code --add-module}, the generated ini and {@code --list-config}. */
class ModuleInstallTest extends BlackBoxTest
{
    /** Every property of spec 3.9 with the default the ini template shows (commented out). */
    static final List<String> TEMPLATE_LINES = List.of(
        "#jetty.session.memcached.nodes=n1:localhost:11211",
        "#jetty.session.memcached.failoverNodes=",
        "#jetty.session.memcached.sticky=true",
        "#jetty.session.memcached.lockingMode=none",
        "#jetty.session.memcached.lockTimeout.millis=2000",
        "#jetty.session.memcached.lockExpiration.seconds=30",
        "#jetty.session.memcached.lockTimeoutAction=proceed",
        "#jetty.session.memcached.ignorePattern=",
        "#jetty.session.memcached.operationTimeout.millis=1000",
        "#jetty.session.memcached.backupAsync=true",
        "#jetty.session.memcached.serializer=protostuff",
        "#jetty.session.memcached.keyPrefix=",
        "#jetty.session.memcached.compressionThreshold.bytes=16384",
        "#jetty.session.memcached.maxSessionSize.bytes=1000000",
        "#jetty.session.memcached.protocol=text",
        "#jetty.session.memcached.username=",
        "#jetty.session.memcached.password=",
        "#jetty.session.memcached.saslMechanism=PLAIN",
        "#jetty.session.memcached.signingKey=",
        "#jetty.session.memcached.deserializationFilter=",
        "#jetty.sessionIdManager.workerName=",
        "#jetty.session.savePeriod.seconds=",
        "#jetty.session.gracePeriod.seconds=");

    /** Our jar's file name in the distribution (the Maven artifact is net.jettymemcached:jetty-memcached-sessions). */
    static final String OUR_JAR = "net.jettymemcached.sessions-" + JettyBase.VERSION + ".jar";

    @Test
    void distributionHoldsModuleXmlAndJarsThatJettyDoesNotShip() throws IOException
    {
        Map<String, Long> files = regularFiles(DISTRIBUTION);
        assertTrue(files.containsKey("modules/memcached-sessions.mod"), files::toString);
        assertTrue(files.containsKey("etc/sessions/memcached/session-store.xml"), files::toString);
        for (String file : files.keySet())
            assertTrue(file.startsWith("modules/") || file.startsWith("etc/sessions/memcached/") || file.startsWith("lib/memcached-sessions/"), "unexpected file " + file);

        // No jar may be named like one of jetty-home's, whatever the version: not Jetty's own libraries (Jetty provides
        // them), and not jetty-home's lib/jetty-memcached-sessions-<jetty version>.jar, Jetty's unrelated xmemcached cache.
        Map<String, String> homeJars = regularFiles(JETTY_HOME.resolve("lib")).keySet().stream()
            .filter(f -> f.endsWith(".jar"))
            .collect(Collectors.toMap(f -> artifactName(Path.of(f).getFileName().toString()), f -> "lib/" + f, (a, b) -> a, TreeMap::new));
        for (String file : files.keySet())
        {
            if (!file.startsWith("lib/"))
                continue;
            String name = Path.of(file).getFileName().toString();
            assertTrue(name.endsWith(".jar"), "not a jar: " + file);
            assertFalse(homeJars.containsKey(artifactName(name)), file + " is named like jetty-home's " + homeJars.get(artifactName(name)));
            assertTrue(!name.startsWith("slf4j-") && !name.startsWith("jetty-"), file + " must not be shipped: Jetty provides it");
        }
        assertTrue(files.containsKey("lib/memcached-sessions/" + OUR_JAR), files::toString);
        assertTrue(files.keySet().stream().anyMatch(f -> f.matches("lib/memcached-sessions/spymemcached-[0-9.]+\\.jar")), files::toString);
    }

    @Test
    void moduleLibNamesExactlyTheShippedJars() throws IOException
    {
        List<String> lib = section(Files.readString(DISTRIBUTION.resolve("modules/memcached-sessions.mod")), "lib");
        for (String line : lib)
            assertFalse(line.contains("*") || line.contains("@"), "[lib] must name each jar of this version, not a glob or a placeholder: " + line);
        assertEquals(shippedJars(), new TreeSet<>(lib));
    }

    @Test
    void zipAndTarGzHoldTheSameFiles() throws IOException
    {
        Map<String, Long> fromZip = new TreeMap<>();
        try (ZipFile zip = new ZipFile(JettyBase.DISTRIBUTION_ZIP.toFile()))
        {
            zip.stream().filter(e -> !e.isDirectory()).forEach((ZipEntry e) -> fromZip.put(e.getName(), e.getSize()));
        }
        assertEquals(regularFiles(DISTRIBUTION), fromZip);
    }

    @Test
    void addModuleWritesTheIniTemplateAndListConfigShowsExactlyOurJars() throws IOException
    {
        JettyBase base = JettyBase.create("add-module");
        String output = base.addModules("http", "ee11-deploy", "memcached-sessions");
        assertTrue(output.contains("memcached-sessions initialized in ${jetty.base}/start.d/memcached-sessions.ini"), output);

        String ini = Files.readString(base.dir().resolve("start.d/memcached-sessions.ini"));
        assertTrue(ini.contains("--modules=memcached-sessions"), ini);
        List<String> lines = ini.lines().map(String::strip).toList();
        for (String expected : TEMPLATE_LINES)
            assertTrue(lines.stream().anyMatch(l -> l.startsWith(expected)), "ini template lacks " + expected + ":\n" + ini);
        // Nothing is set by default: every property line is commented out.
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("jetty.")), ini);

        // What unpacking an older version next to this one leaves in lib/memcached-sessions/: its jars, other versions.
        Path lib = base.dir().resolve("lib/memcached-sessions");
        Path anyJar;
        try (Stream<Path> jars = Files.list(lib))
        {
            anyJar = jars.filter(j -> j.getFileName().toString().startsWith("spymemcached-")).findFirst().orElseThrow();
        }
        for (String stale : List.of("jetty-memcached-sessions-0.0.9.jar", "net.jettymemcached.sessions-0.0.9.jar", "spymemcached-2.12.2.jar"))
            Files.copy(anyJar, lib.resolve(stale));

        JettyProcess listConfig = base.run("--list-config");
        assertEquals(0, listConfig.awaitExit(60), listConfig.output());
        String config = listConfig.output();
        Set<String> onClassPath = new TreeSet<>();
        Matcher jar = Pattern.compile("\\$\\{jetty\\.base}/(lib/memcached-sessions/\\S+\\.jar)").matcher(config);
        while (jar.find())
            onClassPath.add(jar.group(1));
        assertEquals(shippedJars(), onClassPath, "the server class path must hold exactly the jars of this version:\n" + config);
        assertTrue(config.contains("${jetty.base}/etc/sessions/memcached/session-store.xml"), config);
        assertTrue(config.indexOf("${jetty.home}/etc/sessions/id-manager.xml") < config.indexOf("${jetty.base}/etc/sessions/memcached/session-store.xml"),
            "our XML must run after Jetty's id manager XML:\n" + config);
    }

    /**
     * start.jar's arguments for a module that would fetch files: licenses approved (never a prompt), and any download
     * sent to a closed port of 127.0.0.1 (nothing leaves the machine).
     */
    private static final List<String> LOCAL_ONLY = List.of("--approve-all-licenses", "maven.repo.uri=http://127.0.0.1:1/");

    /**
     * Every module of jetty-home that an operator can add and that stores or caches sessions: it provides
     * {@code session-store} or {@code session-cache}, or it depends on {@code session-store} as
     * {@code session-store-cache} does (it wraps the store in a cache of its own: xmemcached, Jetty's memcached module).
     */
    static List<String> jettySessionModules() throws IOException
    {
        List<String> modules = new ArrayList<>();
        try (Stream<Path> mods = Files.list(JETTY_HOME.resolve("modules")))
        {
            for (Path mod : mods.filter(m -> m.getFileName().toString().endsWith(".mod")).sorted().toList())
            {
                String text = Files.readString(mod);
                List<String> provides = section(text, "provides");
                List<String> depends = new ArrayList<>(section(text, "depend"));
                depends.addAll(section(text, "depends"));
                if (provides.contains("session-store") || provides.contains("session-cache") || depends.contains("session-store"))
                    modules.add(mod.getFileName().toString().replaceFirst("\\.mod$", ""));
            }
        }
        return modules;
    }

    @Test
    void everyOtherSessionStoreAndCacheIsRefusedWithJettysMessage() throws IOException
    {
        List<String> others = jettySessionModules();
        assertTrue(others.containsAll(List.of("session-store-cache", "session-store-file", "session-store-jdbc", "session-store-mongo", "session-store-gcloud",
            "session-store-hazelcast-embedded", "session-store-hazelcast-remote", "session-store-infinispan-embedded", "session-store-infinispan-remote",
            "session-cache-hash", "session-cache-null")), others::toString);

        JettyBase base = JettyBase.create("conflicts");
        base.addModules("http", "ee11-deploy", "memcached-sessions");
        Map<String, Long> before = regularFiles(base.dir().resolve("start.d"));
        List<String> accepted = new ArrayList<>();
        for (String other : others)
        {
            List<String> args = new ArrayList<>(LOCAL_ONLY);
            args.add("--add-modules=" + other);
            JettyProcess run = base.run(args.toArray(String[]::new));
            int exit = run.awaitExit(60);
            // start.jar's own refusal (Modules.enable): Module <other> provides <capability>, which is already provided by ...
            Pattern refused = Pattern.compile("ERROR : Module " + Pattern.quote(other) + " provides [\\w/-]+, which is already provided by memcached-sessions enabled in \\[\\$\\{jetty.base}/start.d/memcached-sessions.ini]");
            if (exit == 0 || !refused.matcher(run.output()).find())
                accepted.add(other + " (exit " + exit + "):\n" + run.output());
        }
        assertEquals(List.of(), accepted, "every other session store or cache must be refused together with memcached-sessions");
        assertEquals(before, regularFiles(base.dir().resolve("start.d")), "a refused module leaves start.d as it was");
        try (Stream<Path> lib = Files.list(base.dir().resolve("lib")))
        {
            assertEquals(List.of("memcached-sessions"), lib.map(d -> d.getFileName().toString()).toList(), "a refused module fetches nothing");
        }
    }

    @Test
    void sessionStoreCacheAndOurModuleInOneCommandAreRefusedInEitherOrder() throws IOException
    {
        for (List<String> order : List.of(List.of("memcached-sessions", "session-store-cache"), List.of("session-store-cache", "memcached-sessions")))
        {
            JettyBase base = JettyBase.create("conflicts-together");
            List<String> args = new ArrayList<>(LOCAL_ONLY);
            args.add("--add-modules=http,ee11-deploy," + String.join(",", order));
            JettyProcess run = base.run(args.toArray(String[]::new));
            assertNotEquals(0, run.awaitExit(60), run.output());
            String expected = "ERROR : Module " + order.get(1) + " provides session-store-cache, which is already provided by " + order.get(0) + " enabled in [--add-module]";
            assertTrue(run.output().contains(expected), "expected '" + expected + "':\n" + run.output());
            assertFalse(Files.exists(base.dir().resolve("start.d")), "nothing enabled:\n" + run.output());
        }
    }

    /** {@code lib/memcached-sessions/<jar>} for every jar of the distribution. */
    private static Set<String> shippedJars() throws IOException
    {
        try (Stream<Path> jars = Files.list(DISTRIBUTION.resolve("lib/memcached-sessions")))
        {
            return jars.map(j -> "lib/memcached-sessions/" + j.getFileName()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    /** The lines of a .mod file's {@code [name]} section, without blank lines and comments. */
    static List<String> section(String mod, String name)
    {
        List<String> lines = new ArrayList<>();
        boolean in = false;
        for (String line : mod.lines().map(String::strip).toList())
        {
            if (line.startsWith("[") && line.endsWith("]"))
                in = line.equals("[" + name + "]");
            else if (in && !line.isEmpty() && !line.startsWith("#"))
                lines.add(line);
        }
        return lines;
    }

    private static Map<String, Long> regularFiles(Path root) throws IOException
    {
        try (Stream<Path> walk = Files.walk(root))
        {
            return walk.filter(Files::isRegularFile).collect(Collectors.toMap(
                p -> root.relativize(p).toString().replace('\\', '/'),
                p ->
                {
                    try
                    {
                        return Files.size(p);
                    }
                    catch (IOException x)
                    {
                        throw new java.io.UncheckedIOException(x);
                    }
                },
                (a, b) -> a, TreeMap::new));
        }
    }

    /** {@code spymemcached-2.12.3.jar} → {@code spymemcached}. */
    private static String artifactName(String jar)
    {
        return jar.replaceFirst("-[0-9][^-]*(-SNAPSHOT)?\\.jar$", "").replaceFirst("\\.jar$", "");
    }
}
