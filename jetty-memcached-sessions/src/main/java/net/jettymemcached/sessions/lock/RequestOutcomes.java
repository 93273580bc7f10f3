package net.jettymemcached.sessions.lock;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Tells the request layer whether a request changed its session, for {@code lockingMode=auto} to learn from. The
 * store reports by session id (it may run on another thread than the request, e.g. after an async request). When
 * several requests of one session overlap, each sees a change made by any of them: a read-only path may then be
 * kept locking a little longer, but a modifying path is never taken for read-only.
 */
public final class RequestOutcomes
{
    public enum Outcome
    {
        /** The session was not stored during the request: learn nothing. */
        UNKNOWN,
        /** Stored and unchanged. */
        UNCHANGED,
        /** Stored with changed attributes. */
        MODIFIED
    }

    /** One request's view of its session's writes. */
    public static final class Watch
    {
        private final String sessionId;
        private volatile Outcome outcome = Outcome.UNKNOWN;

        private Watch(String sessionId)
        {
            this.sessionId = sessionId;
        }

        public Outcome outcome()
        {
            return outcome;
        }

        private void record(boolean modified)
        {
            outcome = modified || outcome == Outcome.MODIFIED ? Outcome.MODIFIED : Outcome.UNCHANGED;
        }
    }

    private final Map<String, List<Watch>> watches = new ConcurrentHashMap<>();

    public Watch watch(String sessionId)
    {
        Watch watch = new Watch(sessionId);
        watches.computeIfAbsent(sessionId, id -> new CopyOnWriteArrayList<>()).add(watch);
        return watch;
    }

    /** Called by the store after deciding whether the attributes changed. */
    public void report(String sessionId, boolean modified)
    {
        List<Watch> list = watches.get(sessionId);
        if (list != null)
            list.forEach(w -> w.record(modified));
    }

    public Outcome end(Watch watch)
    {
        watches.computeIfPresent(watch.sessionId, (id, list) ->
        {
            list.remove(watch);
            return list.isEmpty() ? null : list;
        });
        return watch.outcome();
    }
}
