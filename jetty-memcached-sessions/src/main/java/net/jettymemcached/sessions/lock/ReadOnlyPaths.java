package net.jettymemcached.sessions.lock;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code lockingMode=auto} has learned: request paths whose requests left the session unchanged are read-only
 * and stop locking; a path that once changes the session is not treated as read-only again while it is remembered.
 * Bounded, least recently used first out, so that paths with unique parts cannot grow it without limit: a forgotten
 * path simply locks again until it is learned anew.
 */
public final class ReadOnlyPaths
{
    private final int maxPaths;

    private enum State
    {
        READ_ONLY, MODIFIES
    }

    private final Map<String, State> paths = new LinkedHashMap<>(256, 0.75f, true)
    {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, State> eldest)
        {
            return size() > maxPaths;
        }
    };

    /** @param maxPaths the most paths remembered ({@code lockAutoMaxPaths}) */
    public ReadOnlyPaths(int maxPaths)
    {
        this.maxPaths = maxPaths;
    }

    public synchronized boolean isReadOnly(String path)
    {
        return paths.get(path) == State.READ_ONLY;
    }

    /** Records how a request for {@code path} ended. */
    public synchronized void observed(String path, boolean modified)
    {
        if (modified)
            paths.put(path, State.MODIFIES);
        else
            paths.putIfAbsent(path, State.READ_ONLY);
    }

    public synchronized int size()
    {
        return paths.size();
    }
}
