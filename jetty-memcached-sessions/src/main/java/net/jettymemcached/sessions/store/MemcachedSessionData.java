package net.jettymemcached.sessions.store;

import org.eclipse.jetty.session.SessionData;

/**
 * A session with what the store remembers about its last write, to decide how little the next one can send: the
 * digest of the attribute bytes, when they were last written in full, the access record last written, and how many
 * records were appended since.
 */
public class MemcachedSessionData extends SessionData
{
    private volatile byte[] storedDigest;
    private volatile long lastFullWrite;
    private volatile AccessRecord lastRecord;
    private volatile int appendedRecords;

    public MemcachedSessionData(String id, String cpath, String vhost, long created, long accessed, long lastAccessed, long maxInactiveMs)
    {
        super(id, cpath, vhost, created, accessed, lastAccessed, maxInactiveMs);
    }

    byte[] storedDigest()
    {
        return storedDigest;
    }

    long lastFullWrite()
    {
        return lastFullWrite;
    }

    AccessRecord lastRecord()
    {
        return lastRecord;
    }

    int appendedRecords()
    {
        return appendedRecords;
    }

    /** After a load or a full write: the stored value holds these attributes and no records newer than the write. */
    void storedInFull(byte[] digest, long writtenAt, AccessRecord record, int records)
    {
        storedDigest = digest;
        lastFullWrite = writtenAt;
        lastRecord = record;
        appendedRecords = records;
    }

    void appended(AccessRecord record)
    {
        lastRecord = record;
        appendedRecords++;
    }

    /** Forgets the stored state, so that the next store writes in full (after an id change or a failed write). */
    void forgetStored()
    {
        storedDigest = null;
        lastRecord = null;
    }
}
