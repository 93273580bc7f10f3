package net.jettymemcached.sessions.replication;

import net.jettymemcached.sessions.memcached.Stamp;

/**
 * The CAS uniques of one session's copies as this Jetty last read or wrote them (a load's {@code gets} and meta
 * gets, the answers of its own meta sets), so that the next write of a copy replaces it in one operation, without
 * reading its stamp first. A CAS that matches proves the copy is exactly the one seen then; one that no longer does
 * (another Jetty wrote, an access record was appended) costs only the read it was meant to save: the write is
 * refused and the copy read, as without it.
 */
public final class KnownCas
{
    private long primary = -1;
    private String backupNode;
    private Stamp backup;

    /** @return the primary copy's CAS unique, once (a write changes it), or -1 if unknown */
    public synchronized long takePrimary()
    {
        long cas = primary;
        primary = -1;
        return cas;
    }

    /** @param cas the primary copy's CAS unique now, -1 if unknown */
    public synchronized void primary(long cas)
    {
        primary = cas;
    }

    /** @return the stamp of the backup copy on {@code nodeId} as last seen, once, or null if unknown */
    public synchronized Stamp takeBackup(String nodeId)
    {
        Stamp stamp = nodeId.equals(backupNode) ? backup : null;
        backupNode = null;
        backup = null;
        return stamp;
    }

    /** @param stamp the backup copy on {@code nodeId} now, null if unknown */
    public synchronized void backup(String nodeId, Stamp stamp)
    {
        backupNode = stamp == null ? null : nodeId;
        backup = stamp;
    }

    /** The copies are not this session's any more (a new id): nothing is known of the new ones. */
    public synchronized void forget()
    {
        primary = -1;
        backupNode = null;
        backup = null;
    }
}
