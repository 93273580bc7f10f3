package net.jettymemcached.sessions;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers the session moves this Jetty has already carried out, so that the other requests still carrying the old
 * id (parallel requests, other tabs) map to the new id without moving the data again. Bounded (least recently used
 * out): a forgotten move is harmless, because the new id is computed the same way again and the old copy is gone.
 */
final class Relocations
{
    private static final int MAX_ENTRIES = 10_000;

    private static final class Move
    {
        boolean done;
    }

    private final Map<String, Move> moves = new LinkedHashMap<>(64, 0.75f, true)
    {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Move> eldest)
        {
            return size() > MAX_ENTRIES;
        }
    };

    /**
     * Runs {@code move} once for the pair {@code oldId → newId}; concurrent callers for the same pair wait for the
     * first one to finish.
     */
    void once(String oldId, String newId, Runnable move)
    {
        Move entry;
        synchronized (moves)
        {
            entry = moves.computeIfAbsent(oldId + '>' + newId, k -> new Move());
        }
        synchronized (entry)
        {
            if (!entry.done)
            {
                move.run();
                entry.done = true;
            }
        }
    }
}
