package net.jettymemcached.sessions.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import net.jettymemcached.sessions.testing.Await;

import static net.jettymemcached.sessions.http.ChaosSoakHttpTest.RECOVERY;

/**
 * The simulated load balancer in front of the soak's Jettys: one {@link Slot} per worker name, routing a request to
 * an available Jetty (sticky: the one the cookie's worker suffix names, as long as it is available). A Jetty is
 * drained before it is stopped, so no request is ever routed to a stopping Jetty.
 */
final class SoakBalancer
{
    /** Starts the Jetty of a worker, the first time and again on every restart. */
    @FunctionalInterface
    interface JettyStarter
    {
        JettyNode start(String worker) throws Exception;
    }

    private final boolean sticky;
    private final JettyStarter starter;
    private final List<Slot> slots = new ArrayList<>();

    SoakBalancer(boolean sticky, JettyStarter starter)
    {
        this.sticky = sticky;
        this.starter = starter;
    }

    /** Starts a Jetty for {@code worker} and puts it behind the balancer. */
    void add(String worker) throws Exception
    {
        slots.add(new Slot(worker, starter.start(worker)));
    }

    List<Slot> slots()
    {
        return slots;
    }

    /** Whether at least one Jetty can take requests. */
    boolean anyRouted()
    {
        return slots.stream().anyMatch(s -> s.available && s.node != null);
    }

    /**
     * Non-sticky a random available Jetty, sticky the one the cookie names (the other while that one is drained);
     * null when no Jetty is available.
     */
    Slot route(String withCookie, Random random)
    {
        List<Slot> available = new ArrayList<>();
        for (Slot slot : slots)
        {
            if (slot.available && slot.node != null)
                available.add(slot);
        }
        if (available.isEmpty())
            return null;
        if (sticky && withCookie != null && withCookie.lastIndexOf('.') > 0)
        {
            Slot named = slotOf(withCookie.substring(withCookie.lastIndexOf('.') + 1));
            if (named != null && available.contains(named))
                return named;
        }
        return available.get(random.nextInt(available.size()));
    }

    private Slot slotOf(String worker)
    {
        for (Slot slot : slots)
        {
            if (slot.worker.equals(worker))
                return slot;
        }
        return null;
    }

    /** A Jetty position behind the simulated load balancer: the Jetty in it changes when it is restarted. */
    final class Slot
    {
        final String worker;
        volatile JettyNode node;
        volatile boolean available = true;
        volatile int generation;
        final AtomicInteger inFlight = new AtomicInteger();

        private Slot(String worker, JettyNode node)
        {
            this.worker = worker;
            this.node = node;
        }

        /** Drains the Jetty (no new requests, in-flight ones complete), stops it, starts a new one. */
        void restart() throws Exception
        {
            available = false;
            try
            {
                Await.await("requests in flight on " + worker + " completed", () -> inFlight.get() == 0, RECOVERY);
                JettyNode old = node;
                old.close();
                node = null;
                node = starter.start(worker);
                generation++;
            }
            finally
            {
                if (node != null)
                    available = true;
            }
        }
    }
}
