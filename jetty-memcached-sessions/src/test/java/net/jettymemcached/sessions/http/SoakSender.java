package net.jettymemcached.sessions.http;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import net.jettymemcached.sessions.http.SoakBalancer.Slot;
import net.jettymemcached.sessions.http.SoakConnection.Response;
import net.jettymemcached.sessions.testing.Await;

import static net.jettymemcached.sessions.http.ChaosSoakHttpTest.READ_TIMEOUT_MILLIS;
import static net.jettymemcached.sessions.http.ChaosSoakHttpTest.RECOVERY;

/**
 * How one soak browser sends its requests: through the {@link SoakBalancer}, on one persistent
 * {@link SoakConnection} per Jetty slot, re-sent only when it never reached a Jetty (connection refused), so that
 * every other request has exactly one {@link Outcome} the browser can reason about. Counts requests, refusals,
 * unknown outcomes, 5xx and other non-200 replies.
 */
final class SoakSender
{
    /** What one request gave: a reply, nothing (refused: never reached a Jetty) or an unknown outcome. */
    record Outcome(Kind kind, Response response, Slot slot, int generation, String detail)
    {
        enum Kind
        {
            REPLY, REFUSED, UNKNOWN
        }
    }

    private final int browser;
    private final Random random;
    private final SoakBalancer balancer;
    private final SoakStats stats;
    private final BooleanSupplier stopped;
    private final Map<Slot, SoakConnection> connections = new ConcurrentHashMap<>();

    /**
     * @param browser the browser's index, for the examples
     * @param random the browser's random, which also picks the Jetty of a non-sticky request
     * @param stopped whether the browsers are told to stop (then a wait for a routed Jetty gives up)
     */
    SoakSender(int browser, Random random, SoakBalancer balancer, SoakStats stats, BooleanSupplier stopped)
    {
        this.browser = browser;
        this.random = random;
        this.balancer = balancer;
        this.stats = stats;
        this.stopped = stopped;
    }

    /**
     * Sends one GET to a routed Jetty: non-sticky a random available one, sticky the one the cookie names (the
     * other while that one is drained). Retries only what never reached a Jetty (connection refused).
     */
    Outcome send(String path, String withCookie) throws InterruptedException
    {
        int refusals = 0;
        while (true)
        {
            Slot slot = balancer.route(withCookie, random);
            if (slot == null)
            {
                // both Jettys unavailable at once never happens (one fault at a time); be safe anyway
                if (!Await.until(() -> stopped.getAsBoolean() || balancer.anyRouted(), RECOVERY) || stopped.getAsBoolean())
                    return new Outcome(Outcome.Kind.REFUSED, null, null, 0, "no Jetty routed");
                continue;
            }
            slot.inFlight.incrementAndGet();
            try
            {
                JettyNode jetty = slot.node;
                if (!slot.available || jetty == null)
                    continue;
                int generation = slot.generation;
                stats.requests.incrementAndGet();
                Outcome outcome = exchange(slot, jetty, generation, path, withCookie);
                if (outcome.kind() == Outcome.Kind.REFUSED)
                {
                    // Never reached a Jetty (it went away between routing and connecting): send it again.
                    stats.refused.incrementAndGet();
                    if (++refusals >= 1000 || stopped.getAsBoolean())
                        return outcome;
                    continue;
                }
                if (outcome.kind() == Outcome.Kind.UNKNOWN)
                {
                    stats.unknown.incrementAndGet();
                    return outcome;
                }
                Response reply = outcome.response();
                if (reply.status() >= 500)
                {
                    stats.fiveXx.incrementAndGet();
                    stats.example("browser " + browser + ": " + reply.status() + " from " + slot.worker + " for " + path + ": "
                        + reply.body().lines().limit(3).reduce("", (a, b) -> a + " " + b));
                }
                else if (reply.status() != 200)
                {
                    stats.otherStatus.incrementAndGet();
                    stats.example("browser " + browser + ": " + reply.status() + " from " + slot.worker + " for " + path);
                }
                return outcome;
            }
            finally
            {
                slot.inFlight.decrementAndGet();
            }
        }
    }

    private Outcome exchange(Slot slot, JettyNode jetty, int generation, String path, String withCookie)
    {
        SoakConnection connection = connections.get(slot);
        if (connection != null && (connection.jetty() != jetty || System.nanoTime() - connection.lastUsedNanos() > TimeUnit.SECONDS.toNanos(10)))
        {
            // Another Jetty in the slot now, or idle long enough that the Jetty may have closed it (idle timeout
            // 30 s): a request on it could fail after being sent, so open a new one.
            connection.close();
            connections.remove(slot);
            connection = null;
        }
        if (connection == null)
        {
            try
            {
                connection = SoakConnection.open(jetty, READ_TIMEOUT_MILLIS);
            }
            catch (IOException x)
            {
                return new Outcome(Outcome.Kind.REFUSED, null, slot, generation, x.toString());
            }
            connections.put(slot, connection);
        }
        try
        {
            Response response = connection.get(path, withCookie);
            if (response.close())
            {
                connection.close();
                connections.remove(slot);
            }
            return new Outcome(Outcome.Kind.REPLY, response, slot, generation, null);
        }
        catch (IOException x)
        {
            // The request was (maybe) sent: whether the Jetty processed it is unknown.
            connection.close();
            connections.remove(slot);
            return new Outcome(Outcome.Kind.UNKNOWN, null, slot, generation, x.toString());
        }
    }

    /** Closes every connection, which also unblocks a request waiting for its reply. */
    void closeConnections()
    {
        for (SoakConnection connection : List.copyOf(connections.values()))
            connection.close();
    }
}
