package net.jettymemcached.sessions.store;

import java.util.Collections;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

import net.jettymemcached.sessions.format.AccessRecord;
import net.jettymemcached.sessions.replication.CopyVersion;
import net.jettymemcached.sessions.replication.KnownCas;
import org.eclipse.jetty.session.SessionData;

/**
 * A session with what the store remembers about its stored copy: its generation (a write replaces only the copy
 * this one derives from), what it holds (so that the {@link WritePolicy} can decide how little the next write has to
 * send), when a sticky Jetty last confirmed it current, and how the current request's stores went (for
 * {@code lockingMode=auto}, which learns from it: in non-sticky mode every request has its own copy); and each
 * attribute's value as last encoded, with its bytes and whether a request touched it since ({@link AttributeChanges}).
 */
public class MemcachedSessionData extends SessionData
{
    private volatile StoredState stored;
    private volatile boolean unsaved;
    private volatile Boolean storeOutcome;
    /** Generation of the stored copy this one derives from (loaded or last written); 0 with {@code storedVersion} null if none. */
    private volatile long storedGeneration;
    private volatile CopyVersion storedVersion;
    /** The CAS uniques of the copies as last read or written by this Jetty, if known. */
    private volatile KnownCas known = new KnownCas();
    /** The highest generation given to a write of this copy (a queued write may not have landed yet). */
    private long lastGeneration;
    /** When memcached last confirmed the stored copy current (sticky revalidation), ms. */
    private volatile long confirmedAt;
    /** True once memcached was found to hold a newer copy or a tombstone: this copy must not be served again. */
    private volatile boolean stale;
    /**
     * Held while this Jetty writes this copy or confirms it current: parallel requests of a session share one copy,
     * and a write of it that landed but is not yet recorded here must not look like another Jetty's to a second
     * write or to a revalidation.
     */
    private final ReentrantLock writing = new ReentrantLock();
    /** True for the session an ignored request creates: never stored. */
    private volatile boolean temporary;
    /** The lock of the request that loaded this copy, if it holds one. */
    private volatile WriteFence fence;
    /** Each attribute as last encoded (loaded or checked), null if never: see {@link AttributeChanges}. */
    private volatile Map<String, TrackedAttribute> trackedAttributes;
    /** True while Jetty's passivation or activation callbacks run ({@link #runActivationCallbacks}). */
    private volatile boolean inActivationCallbacks;

    public MemcachedSessionData(String id, String cpath, String vhost, long created, long accessed, long lastAccessed, long maxInactiveMs)
    {
        super(id, cpath, vhost, created, accessed, lastAccessed, maxInactiveMs);
    }

    /** Jetty's, noting that a request touched the attribute (it may change it in place). */
    @Override
    public Object getAttribute(String name)
    {
        touch(name);
        return super.getAttribute(name);
    }

    /** Jetty's, noting the attribute as touched (the same object set again is checked for changes made in place). */
    @Override
    public Object setAttribute(String name, Object value)
    {
        touch(name);
        return super.setAttribute(name, value);
    }

    /** Jetty's; every attribute counts as touched (the caller can reach every value). */
    @Override
    public Map<String, Object> getAllAttributes()
    {
        Map<String, TrackedAttribute> tracked = trackedAttributes;
        if (tracked != null)
            tracked.values().forEach(TrackedAttribute::touch);
        return super.getAllAttributes();
    }

    private void touch(String name)
    {
        Map<String, TrackedAttribute> tracked = trackedAttributes;
        TrackedAttribute attribute = tracked == null || name == null ? null : tracked.get(name);
        if (attribute != null && (!inActivationCallbacks || ActivationListeners.isListener(attribute.value)))
            attribute.touch();
    }

    /**
     * Runs Jetty's passivation or activation callbacks: they read every attribute to find the listeners among them,
     * which is no request touching the values; only values that are activation listeners count as touched (their
     * callbacks may change them). Called holding the session's lock, as Jetty requires, like every read of it.
     */
    public void runActivationCallbacks(Runnable callbacks)
    {
        inActivationCallbacks = true;
        try
        {
            callbacks.run();
        }
        finally
        {
            inActivationCallbacks = false;
        }
    }

    /** @return the attributes, without touching them */
    Map<String, Object> attributeValues()
    {
        return Collections.unmodifiableMap(_attributes);
    }

    Map<String, TrackedAttribute> trackedAttributes()
    {
        return trackedAttributes;
    }

    void trackAttributes(Map<String, TrackedAttribute> attributes)
    {
        trackedAttributes = attributes;
    }

    /** @return what the stored value holds, or null when unknown (never stored, renamed, or the last write failed) */
    StoredState stored()
    {
        return stored;
    }

    /** After a load: this copy derives from the stored copy {@code version}, confirmed current at {@code now}. */
    void loaded(CopyVersion version, long generation, KnownCas read, long now)
    {
        storedVersion = version;
        storedGeneration = generation;
        known = read;
        confirmedAt = now;
        synchronized (this)
        {
            lastGeneration = Math.max(lastGeneration, generation);
        }
    }

    /** @return the generation for the next write of this copy: higher than every one before */
    synchronized long nextGeneration()
    {
        return ++lastGeneration;
    }

    ReentrantLock writing()
    {
        return writing;
    }

    /** @return the version of the stored copy this one derives from, null if it was never stored (a new session) */
    CopyVersion storedVersion()
    {
        return storedVersion;
    }

    long storedGeneration()
    {
        return storedGeneration;
    }

    /** @return the CAS uniques of the copies as this Jetty last read or wrote them (a write takes and updates them) */
    KnownCas known()
    {
        return known;
    }

    /** After a write of copy {@code generation}: later writes replace that one. */
    void written(CopyVersion version, long generation, long now)
    {
        storedVersion = version;
        storedGeneration = generation;
        confirmedAt = now;
    }

    /** This copy has a new id: its next write creates the copies of that id. */
    void renamed()
    {
        storedVersion = null;
        storedGeneration = 0;
        known.forget();
        stored = null;
    }

    long confirmedAt()
    {
        return confirmedAt;
    }

    void confirmed(long now)
    {
        confirmedAt = now;
    }

    /** memcached holds a newer copy or a tombstone: this copy must be dropped, not served or written again. */
    void markStale()
    {
        stale = true;
    }

    public boolean isStale()
    {
        return stale;
    }

    /** This copy was loaded by a request holding the session's lock: each full write first asks {@code fence}. */
    public void fenceWith(WriteFence fence)
    {
        this.fence = fence;
    }

    /** @return true unless the lock this copy was loaded under was lost */
    boolean writePermitted()
    {
        WriteFence current = fence;
        return current == null || current.permitsWrite();
    }

    /** Marks the session an ignored request created: nothing of it is ever written. */
    public void markTemporary()
    {
        temporary = true;
    }

    public boolean isTemporary()
    {
        return temporary;
    }

    /** After a load or a full write: the stored value holds the attributes as last encoded and {@code records} access records. */
    void storedInFull(long writtenAt, AccessRecord record, int records)
    {
        stored = new StoredState(writtenAt, record, records);
        unsaved = false;
    }

    /** The attributes as last encoded were not written (too large): the next store tries a full write again. */
    void notWritten()
    {
        stored = null;
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
