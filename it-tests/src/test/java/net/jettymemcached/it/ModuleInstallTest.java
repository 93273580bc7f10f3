package net.jettymemcached.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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

    @Test
    void distributionHoldsModuleXmlAndJarsThatJettyDoesNotShip() throws IOException
    {
        Map<String, Long> files = regularFiles(DISTRIBUTION);
        assertTrue(files.containsKey("modules/memcached-sessions.mod"), files::toString);
        assertTrue(files.containsKey("etc/sessions/memcached/session-store.xml"), files::toString);
        assertTrue(files.containsKey("lib/memcached-sessions/jetty-memcached-sessions-" + JettyBase.VERSION + ".jar"), files::toString);
        assertTrue(files.keySet().stream().anyMatch(f -> f.matches("lib/memcached-sessions/spymemcached-[0-9.]+\\.jar")), files::toString);
        for (String file : files.keySet())
            assertTrue(file.startsWith("modules/") || file.startsWith("etc/sessions/memcached/") || file.startsWith("lib/memcached-sessions/"), "unexpected file " + file);

        Map<String, Long> homeJars = regularFiles(JETTY_HOME.resolve("lib")).keySet().stream()
            .filter(f -> f.endsWith(".jar"))
            .collect(Collectors.toMap(f -> artifactName(Path.of(f).getFileName().toString()), f -> 0L, (a, b) -> a));
        for (String file : files.keySet())
        {
            if (!file.startsWith("lib/"))
                continue;
            String name = Path.of(file).getFileName().toString();
            assertTrue(name.endsWith(".jar"), "not a jar: " + file);
            if (name.equals("jetty-memcached-sessions-" + JettyBase.VERSION + ".jar"))
                continue; // ours; jetty-home's lib/jetty-memcached-sessions-12.1.12.jar is Jetty's unrelated xmemcached integration
            assertTrue(!homeJars.containsKey(artifactName(name)), file + " is already shipped by jetty-home");
            assertTrue(!name.startsWith("slf4j-") && !name.startsWith("jetty-"), file + " must not be shipped: Jetty provides it");
        }
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
    void addModuleWritesTheIniTemplateAndListConfigShowsOurJars() throws IOException
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

        JettyProcess listConfig = base.run("--list-config");
        assertEquals(0, listConfig.awaitExit(60), listConfig.output());
        String config = listConfig.output();
        try (Stream<Path> jars = Files.list(DISTRIBUTION.resolve("lib/memcached-sessions")))
        {
            for (Path jar : (Iterable<Path>)jars::iterator)
                assertTrue(config.contains("${jetty.base}/lib/memcached-sessions/" + jar.getFileName()), "not on the server class path: " + jar.getFileName() + "\n" + config);
        }
        assertTrue(config.contains("${jetty.base}/etc/sessions/memcached/session-store.xml"), config);
        assertTrue(config.indexOf("${jetty.home}/etc/sessions/id-manager.xml") < config.indexOf("${jetty.base}/etc/sessions/memcached/session-store.xml"),
            "our XML must run after Jetty's id manager XML:\n" + config);
    }

    @Test
    void otherSessionStoresAndCachesAreRefused() throws IOException
    {
        JettyBase base = JettyBase.create("conflicts");
        base.addModules("http", "ee11-deploy", "memcached-sessions");
        for (String other : List.of("session-store-file", "session-cache-null"))
        {
            JettyProcess run = base.run("--add-module=" + other);
            assertNotEquals(0, run.awaitExit(60), run.output());
            assertTrue(run.output().contains("already provided by memcached-sessions"), run.output());
        }
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
