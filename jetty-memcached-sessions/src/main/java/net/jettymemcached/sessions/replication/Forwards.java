package net.jettymemcached.sessions.replication;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where sessions moved: old id to new id, as learned from the tombstones that moves leave (a session whose node died
 * moves to another node; a client may still send the old id, for example a parallel request, or a tab whose
 * response with the new cookie was lost). The id manager maps such an id to the new one, so that the client gets the
 * session and its new cookie. Bounded: the least recently used entries go first, and a forgotten move is learned
 * again from its tombstone.
 */
public final class Forwards
{
    static final int CAPACITY = 10_000;

    private final Map<String, String> movedTo = new LinkedHashMap<>(64, 0.75f, true)
    {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest)
        {
            return size() > CAPACITY;
        }
    };

    /** The session {@code oldClusterId} lives under {@code newClusterId} now (which therefore moved nowhere). */
    public synchronized void moved(String oldClusterId, String newClusterId)
    {
        movedTo.remove(newClusterId);
        movedTo.put(oldClusterId, newClusterId);
    }

    /** A session lives under {@code clusterId}: whatever moved from there before has come back. */
    public synchronized void forget(String clusterId)
    {
        movedTo.remove(clusterId);
    }

    /** @return the id the session moved to, following successive moves, or null */
    public synchronized String movedTo(String clusterId)
    {
        String target = movedTo.get(clusterId);
        for (int hops = 0; target != null && hops < 8; hops++)
        {
            String next = movedTo.get(target);
            if (next == null)
                return target;
            target = next;
        }
        return target;
    }

    public synchronized int size()
    {
        return movedTo.size();
    }
}
