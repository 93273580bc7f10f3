package net.jettymemcached.sessions.lock;

/**
 * Marks the thread handling a request whose path matches {@code ignorePattern}: the session caches then neither load
 * nor find a session for it, so it is neither read, written nor refreshed, and gets no cookie.
 */
public final class IgnoredRequest
{
    private static final ThreadLocal<Boolean> IGNORED = new ThreadLocal<>();

    private IgnoredRequest()
    {
    }

    public static boolean isCurrent()
    {
        return IGNORED.get() != null;
    }

    static void begin()
    {
        IGNORED.set(Boolean.TRUE);
    }

    static void end()
    {
        IGNORED.remove();
    }
}
