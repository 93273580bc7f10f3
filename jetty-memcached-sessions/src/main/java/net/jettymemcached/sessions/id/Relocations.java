package net.jettymemcached.sessions.id;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers the session moves this Jetty has already carried out, so that the other requests still carrying the old
 * id (parallel requests, other tabs) map to the new id without moving the data again. Bounded in size and time:
 * a forgotten move is harmless, because the new id is computed the same way again and the old copy is gone.
 */
final class Relocations
{
    private static final int MAX_ENTRIES = 10_000;
    private static final long KEEP_MS = 10 * 60 * 1000L;

    private static final class Move
    {
        final long at = System.currentTimeMillis();
        boolean done;
    }

    private final Map<String, Move> done = new ConcurrentHashMap<>();

    /**
     * Runs {@code move} once for the pair {@code oldId → newId}; concurrent callers for the same pair wait for the
     * first one to finish.
     */
    void once(String oldId, String newId, Runnable move)
    {
        if (done.size() >= MAX_ENTRIES)
            forgetOld();
        Move entry = done.computeIfAbsent(oldId + '>' + newId, k -> new Move());
        synchronized (entry)
        {
            if (!entry.done)
            {
                move.run();
                entry.done = true;
            }
        }
    }

    private void forgetOld()
    {
        long cutoff = System.currentTimeMillis() - KEEP_MS;
        done.values().removeIf(m -> m.at < cutoff);
        if (done.size() >= MAX_ENTRIES)
            done.clear();
    }
}
