package net.jettymemcached.sessions.store;

import net.jettymemcached.sessions.format.AccessRecord;
import org.eclipse.jetty.session.SessionData;

/**
 * A session with what the store remembers about its last write, so that the {@link WritePolicy} can decide how
 * little the next one has to send, and with how the current request's stores went (for {@code lockingMode=auto},
 * which learns from it: in non-sticky mode every request has its own copy).
 */
public class MemcachedSessionData extends SessionData
{
    private volatile StoredState stored;
    private volatile boolean unsaved;
    private volatile Boolean storeOutcome;

    public MemcachedSessionData(String id, String cpath, String vhost, long created, long accessed, long lastAccessed, long maxInactiveMs)
    {
        super(id, cpath, vhost, created, accessed, lastAccessed, maxInactiveMs);
    }

    /** @return what the stored value holds, or null when unknown (never stored, renamed, or the last write failed) */
    StoredState stored()
    {
        return stored;
    }

    /** After a load or a full write: the stored value holds these attributes and {@code records} access records. */
    void storedInFull(byte[] digest, long writtenAt, AccessRecord record, int records)
    {
        stored = new StoredState(digest, writtenAt, record, records);
        unsaved = false;
    }

    void appended(AccessRecord record)
    {
        StoredState current = stored;
        if (current != null)
            stored = current.withAppended(record);
    }

    /** A write reached no node: the next store of this copy writes it in full. */
    void writeFailed()
    {
        stored = null;
        unsaved = true;
    }

    /** @return true if the last write of this session reached no node */
    boolean isUnsaved()
    {
        return unsaved;
    }

    void recordOutcome(boolean attributesChanged)
    {
        Boolean previous = storeOutcome;
        storeOutcome = attributesChanged || Boolean.TRUE.equals(previous);
    }

    /**
     * @return whether a store since this copy was loaded changed the attributes (a change at response commit is not
     * hidden by an unchanged store at request end); null if it was never stored
     */
    public Boolean storeOutcome()
    {
        return storeOutcome;
    }
}
