package net.jettymemcached.sessions.memcached;

/** The answer to a conditional write. */
public enum CasOutcome
{
    /** Written: the item was unchanged since its CAS unique was read. */
    STORED,
    /** Not written: the item changed since. */
    CHANGED,
    /** Not written: the item no longer exists (deleted, expired, or its node restarted). */
    MISSING
}
