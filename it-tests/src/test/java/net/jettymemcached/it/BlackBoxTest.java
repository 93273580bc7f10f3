package net.jettymemcached.it;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.function.Predicate;

import net.jettymemcached.it.harness.JettyBase;
import net.jettymemcached.it.harness.JettyProcess;
import net.jettymemcached.sessions.http.SessionClient;
import net.jettymemcached.sessions.testing.Await;
import net.jettymemcached.sessions.testing.MemcachedNodes;
import org.junit.jupiter.api.AfterEach;


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
