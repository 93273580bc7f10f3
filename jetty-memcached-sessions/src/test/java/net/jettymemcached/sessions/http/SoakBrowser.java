package net.jettymemcached.sessions.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import net.jettymemcached.sessions.http.SoakBalancer.Slot;
import net.jettymemcached.sessions.http.SoakConnection.Response;
import net.jettymemcached.sessions.http.SoakSender.Outcome;

/**
 * One simulated browser of the chaos soak: it increments its session counter, now and then logs out, and knows what
 * its counter must be (the increments it saw acknowledged, plus one per request whose outcome it cannot know), so it
 * counts every reply that shows a lost session, a lost or an unexplained increment. After a logout it checks with
 * the old cookie, right after, 3–8 s later and at the end, that the invalidated session does not come back.
 */
final class SoakBrowser
{
    /** A session this browser logged out of, to be checked with its old cookie. */
    private record Invalidated(String cookie, String random, int counter)
    {
    }

    private record Check(Invalidated session, long dueNanos, int phase)
    {
    }

    private final int index;
    private final Random random;
    private final boolean sticky;
    private final SoakStats stats;
    private final BooleanSupplier stopped;
    private final SoakSender http;
    private String cookie;
    /** The random id part of the session this browser has, null before its first acknowledged reply. */
    private String session;
    /** Increments acknowledged for {@link #session}. */
    private int expected;
    /** Requests for {@link #session} whose outcome is unknown since the last reply: each may have incremented. */
    private int unknown;
    /** Slot and its generation that served the last reply. */
    private Slot lastSlot;
    private int lastGeneration;
    private volatile long lastSuccessNanos = System.nanoTime() - TimeUnit.DAYS.toNanos(1);
    private final List<Check> checks = new ArrayList<>();
    private final List<Invalidated> invalidated = new ArrayList<>();

    /**
     * @param sticky whether the Jettys run in sticky mode, whose losses after a killed Jetty are counted apart
     * @param stopped whether the browsers are told to stop
     */
    SoakBrowser(int index, Random random, boolean sticky, SoakBalancer balancer, SoakStats stats, BooleanSupplier stopped)
    {
        this.index = index;
        this.random = random;
        this.sticky = sticky;
        this.stats = stats;
        this.stopped = stopped;
        this.http = new SoakSender(index, random, balancer, stats, stopped);
    }

    int index()
    {
        return index;
    }

    /** When this browser last had an increment acknowledged ({@link System#nanoTime()}). */
    long lastSuccessNanos()
    {
        return lastSuccessNanos;
    }

    void run() throws Exception
    {
        try
        {
            while (!stopped.getAsBoolean())
            {
                Check due = dueCheck();
                if (due != null)
                    checkNotResurrected(due.session(), due.phase());
                else if (session != null && expected >= 2 && random.nextInt(80) == 0)
                    invalidate();
                else
                    increment();
                // think time of a user between clicks (pacing, not waiting for anything)
                TimeUnit.MILLISECONDS.sleep(5 + random.nextInt(20));
            }
        }
        catch (InterruptedException x)
        {
            if (!stopped.getAsBoolean())
                throw x;
        }
    }

    private Check dueCheck()
    {
        long now = System.nanoTime();
        for (int i = 0; i < checks.size(); i++)
        {
            if (now - checks.get(i).dueNanos() >= 0)
                return checks.remove(i);
        }
        return null;
    }

    private void increment() throws InterruptedException
    {
        Outcome outcome = send("/app/incr", cookie, true);
        if (outcome.kind() == Outcome.Kind.REFUSED)
            return; // not sent
        if (outcome.kind() == Outcome.Kind.UNKNOWN)
        {
            unknown++;
            return;
        }
        Response reply = outcome.response();
        if (reply.status() != 200)
        {
            unknown++; // a failed request may have incremented before failing
            return;
        }
        if (verify(reply, outcome, true, "/incr"))
            lastSuccessNanos = System.nanoTime();
    }

    /**
     * Compares a 200 reply with what this browser knows, counts what is wrong and adopts the reply's state.
     *
     * @param incremented whether the request increments (then it adds one to the acknowledged count)
     * @return whether the reply was a well-formed session reply
     */
    private boolean verify(Response reply, Outcome outcome, boolean incremented, String what)
    {
        Map<String, String> values = reply.values();
        String id = values.get("id");
        String counterText = values.get("counter");
        boolean switched = lastSlot != null && (lastSlot != outcome.slot() || lastGeneration != outcome.generation());
        boolean previousWasKilled = false; // only graceful restarts are injected (see the class comment)
        if ("none".equals(id) && !incremented)
        {
            // /get or /invalidate found no session at all
            if (session != null)
            {
                if (sticky && previousWasKilled)
                    stats.legitStickyLosses.incrementAndGet();
                else
                    stats.lostSessions.incrementAndGet();
                if (switched)
                    stats.lostSessionsAfterSwitch.incrementAndGet();
                stats.example(String.format(Locale.ROOT, "browser %d: lost session %s (counter %d..%d): no session on %s (%s, last reply from %s%s)",
                    index, session, expected, expected + unknown, outcome.slot().worker, what, lastSlot.worker, switched ? ", switched Jetty" : ""));
            }
            cookie = null;
            session = null;
            expected = 0;
            unknown = 0;
            lastSlot = null;
            return true;
        }
        if (id == null || (incremented && counterText == null) || id.lastIndexOf('-') < 0)
        {
            stats.otherStatus.incrementAndGet();
            stats.example("malformed reply to " + what + ": " + reply.body());
            return false;
        }
        String replyRandom = id.substring(0, id.lastIndexOf('-'));
        int counter = counterText == null ? 0 : Integer.parseInt(counterText);
        int low = expected + (incremented ? 1 : 0);
        int high = low + unknown;
        if (session == null)
        {
            // A new browser (or one that logged out): a fresh session shows exactly this request's increment.
            if (counter != (incremented ? 1 : 0))
            {
                stats.extra.incrementAndGet();
                stats.example("browser " + index + ": a fresh session " + id + " showed counter=" + counter + " (" + what + ")");
            }
        }
        else if (!replyRandom.equals(session))
        {
            if (sticky && previousWasKilled)
                stats.legitStickyLosses.incrementAndGet();
            else
                stats.lostSessions.incrementAndGet();
            if (switched)
                stats.lostSessionsAfterSwitch.incrementAndGet();
            stats.example(String.format(Locale.ROOT, "browser %d: lost session %s (counter %d..%d) -> %s counter=%d on %s (%s, last reply from %s%s)",
                index, session, low, high, id, counter, outcome.slot().worker, what, lastSlot.worker, switched ? ", switched Jetty" : ""));
        }
        else if (counter < low)
        {
            if (sticky && previousWasKilled)
                stats.legitStickyLosses.addAndGet(low - counter);
            else
                stats.lostIncrements.addAndGet(low - counter);
            if (switched)
                stats.lostIncrementsAfterSwitch.addAndGet(low - counter);
            stats.example(String.format(Locale.ROOT, "browser %d: session %s counter=%d, expected %d..%d on %s (%s, last reply from %s%s)",
                index, id, counter, low, high, outcome.slot().worker, what, lastSlot.worker, switched ? ", switched Jetty" : ""));
        }
        else if (counter > high)
        {
            stats.extra.addAndGet(counter - high);
            stats.example(String.format(Locale.ROOT, "browser %d: session %s counter=%d above %d..%d on %s (%s)",
                index, id, counter, low, high, outcome.slot().worker, what));
        }
        session = replyRandom;
        expected = counter;
        unknown = 0;
        lastSlot = outcome.slot();
        lastGeneration = outcome.generation();
        return true;
    }

    private void invalidate() throws InterruptedException
    {
        String sentCookie = cookie;
        String ours = session;
        Outcome outcome = send("/app/invalidate", sentCookie, true);
        if (outcome.kind() == Outcome.Kind.REFUSED)
            return; // never reached a Jetty: the session is simply kept
        // The reply names the session that was ended and its counter: it must be ours, with what we expect.
        boolean endedOurs = outcome.kind() == Outcome.Kind.REPLY && outcome.response().status() == 200
            && verify(outcome.response(), outcome, false, "/invalidate") && ours.equals(session);
        int counter = expected;
        // Logged out (or maybe, when the outcome is unknown): start again without a session either way.
        cookie = null;
        session = null;
        expected = 0;
        unknown = 0;
        lastSlot = null;
        if (endedOurs)
        {
            Invalidated old = new Invalidated(sentCookie, ours, counter);
            stats.invalidations.incrementAndGet();
            invalidated.add(old);
            long now = System.nanoTime();
            checks.add(new Check(old, now + TimeUnit.MILLISECONDS.toNanos(random.nextInt(300)), 0));
            checks.add(new Check(old, now + TimeUnit.MILLISECONDS.toNanos(3000 + random.nextInt(5000)), 1));
        }
    }

    /**
     * A request with the old cookie must not be served the old session's attributes.
     *
     * @param phase 0: right after the logout, 1: 3–8 s later, 2: at the end
     */
    private void checkNotResurrected(Invalidated old, int phase) throws InterruptedException
    {
        Outcome outcome = send("/app/get", old.cookie(), false);
        if (outcome.kind() != Outcome.Kind.REPLY)
            return;
        stats.resurrectionChecks.incrementAndGet();
        Response reply = outcome.response();
        if (reply.status() != 200)
            return;
        Map<String, String> values = reply.values();
        String id = values.get("id");
        if (!"none".equals(id))
        {
            // /get never creates a session: any session found for the old cookie came back
            boolean same = id != null && id.startsWith(old.random() + "-");
            if (same)
            {
                stats.resurrectedHits[phase].incrementAndGet();
                if (stats.resurrectedSessions.add(old.random()))
                    stats.resurrected.incrementAndGet();
            }
            else
                stats.extra.incrementAndGet(); // another session for this cookie: unexplained
            stats.example(String.format(Locale.ROOT, "browser %d: invalidated session %s (counter %d, cookie %s) answered on %s with %s counter=%s",
                index, old.random(), old.counter(), old.cookie(), outcome.slot().worker, id, values.get("counter")));
        }
    }

    /** After the soak, with the cluster quiet: the counter must be what was acknowledged (up to the unknowns). */
    void finalCheck() throws InterruptedException
    {
        for (Invalidated old : invalidated)
            checkNotResurrected(old, 2);
        if (session != null)
        {
            Outcome outcome = send("/app/get", cookie, true);
            if (outcome.kind() == Outcome.Kind.REPLY && outcome.response().status() == 200)
                verify(outcome.response(), outcome, false, "final /get");
            else
            {
                stats.otherStatus.incrementAndGet();
                stats.example("browser " + index + ": final /get gave " + outcome.kind() + " " + outcome.detail()
                    + (outcome.response() == null ? "" : " status " + outcome.response().status()));
            }
        }
        stats.finalChecks.incrementAndGet();
        closeConnections();
    }

    /** Sends one request; a reply's Set-Cookie replaces the cookie when {@code adoptCookie}. */
    private Outcome send(String path, String withCookie, boolean adoptCookie) throws InterruptedException
    {
        Outcome outcome = http.send(path, withCookie);
        if (adoptCookie && outcome.kind() == Outcome.Kind.REPLY && outcome.response().setCookie() != null)
            cookie = outcome.response().setCookie().isEmpty() ? null : outcome.response().setCookie();
        return outcome;
    }

    /** Closes the browser's connections, which also unblocks it when it waits for a reply. */
    void closeConnections()
    {
        http.closeConnections();
    }
}
