package net.jettymemcached.it;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.function.Predicate;

import net.jettymemcached.it.harness.JettyBase;
import net.jettymemcached.it.harness.JettyProcess;
import net.jettymemcached.sessions.http.SessionClient;
import net.jettymemcached.sessions.testing.MemcachedNodes;
import org.junit.jupiter.api.AfterEach;

import static org.junit.jupiter.api.Assertions.fail;

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

    /** Repeats {@code request} every 200 ms until {@code done} accepts the reply, at most 15 s. */
    protected static SessionClient.Reply poll(Request request, Predicate<SessionClient.Reply> done, String what) throws Exception
    {
        long deadline = System.nanoTime() + 15_000_000_000L;
        SessionClient.Reply reply;
        do
        {
            reply = request.send();
            if (done.test(reply))
                return reply;
            Thread.sleep(200);
        }
        while (System.nanoTime() < deadline);
        return fail("timed out waiting for " + what + "; last reply: " + reply);
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
