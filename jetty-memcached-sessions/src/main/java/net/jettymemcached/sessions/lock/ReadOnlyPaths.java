package net.jettymemcached.sessions.lock;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What {@code lockingMode=auto} has learned: request paths whose requests left the session unchanged are read-only
 * and stop locking; a path that once changes the session is never treated as read-only again. Bounded, so that
 * paths with unique parts cannot grow it without limit (an unknown path simply locks).
 */
public final class ReadOnlyPaths
{
    private static final int MAX_PATHS = 10_000;

    private enum State
    {
        READ_ONLY, MODIFIES
    }

    private final Map<String, State> paths = new ConcurrentHashMap<>();

    public boolean isReadOnly(String path)
    {
        return paths.get(path) == State.READ_ONLY;
    }

    /** Records how a request for {@code path} ended. */
    public void observed(String path, boolean modified)
    {
        if (modified)
        {
            paths.put(path, State.MODIFIES);
            return;
        }
        if (paths.size() < MAX_PATHS)
            paths.putIfAbsent(path, State.READ_ONLY);
    }

    public int size()
    {
        return paths.size();
    }
}
