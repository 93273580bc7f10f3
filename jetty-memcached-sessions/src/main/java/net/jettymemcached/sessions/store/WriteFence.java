package net.jettymemcached.sessions.store;

/**
 * Whether the request that loaded a session may still write it: asked just before each full write. Set by the
 * session cache of a request that holds the session's lock (non-sticky locking); a session without one is written
 * under its version checks alone.
 */
@FunctionalInterface
public interface WriteFence
{
    /** @return false if the request's lock was lost: another request may hold it and write the session */
    boolean permitsWrite();
}
