package net.jettymemcached.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import net.jettymemcached.it.harness.JettyBase;
import net.jettymemcached.it.harness.JettyProcess;
import net.jettymemcached.sessions.http.SessionClient;
import net.jettymemcached.sessions.testing.Await;
import net.jettymemcached.sessions.testing.MemcachedNodes;
import org.junit.jupiter.api.AfterEach;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Starts processes for one test and always stops them afterwards, newest first. */
abstract class BlackBoxTest
{
    private final Deque<AutoCloseable> started = new ArrayDeque<>();

    protected <T extends AutoCloseable> T closeAfterTest(T resource)
    {
        started.push(resource);
        return resource;
    }

    protected MemcachedNodes memcached(int count) throws IOException
    {
        return closeAfterTest(MemcachedNodes.start(count));
    }

    /** Starts a Jetty on {@code base} as {@code worker} and waits until it is started. */
    protected JettyProcess jetty(JettyBase base, String worker) throws IOException
    {
        return closeAfterTest(base.start(worker)).awaitStarted();
    }

    /** Base with http, {@code <env>-deploy}, memcached-sessions, the test war, and these ini values. */
    protected static JettyBase base(String name, String environment, Map<String, String> ini) throws IOException
    {
        return JettyBase.createWithWebapp(name, environment, ini);
    }

    /** Repeats {@code request} (with {@link Await}'s back-off) until {@code done} accepts the reply, at most 15 s. */
    protected static SessionClient.Reply poll(Request request, Predicate<SessionClient.Reply> done, String what)
    {
        return Await.await(what, () ->
        {
            try
            {
                return request.send();
            }
            catch (InterruptedException x)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(x);
            }
            catch (Exception x)
            {
                throw new IllegalStateException("request failed while waiting for " + what, x);
            }
        }, done, Duration.ofSeconds(15));
    }

    /**
     * The webapp on {@code jetty} cannot load the module's classes (ours, spymemcached's, protostuff's: a class of every
     * jar in the distribution's {@code lib/memcached-sessions/}), as Jetty's own session modules hide theirs; it still
     * loads its own classes and the JDK's.
     */
    protected static void assertModuleClassesHiddenFrom(JettyProcess jetty) throws Exception
    {
        SessionClient client = new SessionClient();
        for (String name : moduleClasses())
        {
            SessionClient.Reply reply = client.get(jetty, "/app/class?name=" + name);
            assertEquals("hidden", reply.value("class." + name), name + " must be hidden from the webapp: " + reply.body());
        }
        for (String name : List.of("net.jettymemcached.it.webapp.SessionActions", "java.util.concurrent.ConcurrentHashMap"))
        {
            SessionClient.Reply reply = client.get(jetty, "/app/class?name=" + name);
            assertEquals("visible", reply.value("class." + name), name + " must be visible to the webapp: " + reply.body());
        }
    }

    /** The classes the issue names, and the first class of every jar the distribution ships. */
    private static List<String> moduleClasses() throws IOException
    {
        List<String> names = new ArrayList<>(List.of("net.spy.memcached.MemcachedClient", "io.protostuff.runtime.RuntimeSchema", "net.jettymemcached.sessions.MemcachedSessions"));
        try (Stream<Path> jars = Files.list(JettyBase.DISTRIBUTION.resolve("lib/memcached-sessions")))
        {
            for (Path jar : jars.sorted().toList())
            {
                try (ZipFile zip = new ZipFile(jar.toFile()))
                {
                    String entry = zip.stream().map(ZipEntry::getName)
                        .filter(n -> n.endsWith(".class") && !n.startsWith("META-INF/") && !n.endsWith("module-info.class"))
                        .findFirst().orElseThrow(() -> new IllegalStateException("no class in " + jar));
                    names.add(entry.substring(0, entry.length() - ".class".length()).replace('/', '.'));
                }
            }
        }
        return names;
    }

    @FunctionalInterface
    protected interface Request
    {
        SessionClient.Reply send() throws Exception;
    }

    @AfterEach
    void stopEverything()
    {
        while (!started.isEmpty())
        {
            try
            {
                started.pop().close();
            }
            catch (Exception x)
            {
                System.err.println("cleanup failed: " + x);
            }
        }
    }
}
