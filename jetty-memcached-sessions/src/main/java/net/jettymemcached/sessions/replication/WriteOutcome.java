package net.jettymemcached.sessions.replication;

/** How a conditional write of a session ended (spec §3.10); each refusal is counted and logged by the store. */
public enum WriteOutcome
{
    /** Written (to the primary, the backup, or both). */
    STORED,
    /** Not written: another Jetty wrote a newer copy since this one was loaded. */
    CONFLICT,
    /** Not written: the session ended or moved (a tombstone) since this copy was loaded. */
    GONE,
    /** Not written: a new session's id is already taken. */
    IN_USE
}
