package net.jettymemcached.sessions.store;

import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import net.jettymemcached.sessions.format.SessionTooLargeException;
import net.jettymemcached.sessions.format.StoredValue;
import net.jettymemcached.sessions.id.SessionId;
import net.jettymemcached.sessions.replication.CopyVersion;
import net.jettymemcached.sessions.stats.ThrottledLog;
import org.eclipse.jetty.session.AbstractSessionDataStore;
import org.eclipse.jetty.session.SessionData;
import org.eclipse.jetty.session.UnreadableSessionDataException;
import org.eclipse.jetty.util.FuturePromise;
import org.eclipse.jetty.util.annotation.ManagedAttribute;
import org.eclipse.jetty.util.annotation.ManagedObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jetty's {@code SessionDataStore} for one context, keeping each session in memcached as a primary copy on the node
 * named in the session id and a backup on the next live node.
 * <p>
 * Whether a store writes, and what, is the {@link WritePolicy}'s decision alone: {@link #store} replaces Jetty's own
 * save-period check with it.
 * <p>
 * memcached cannot enumerate keys, so {@link #doGetExpired} finds nothing and {@link #doCleanOrphans} does nothing:
 * abandoned values disappear by their memcached expiry instead.
 */
@ManagedObject("memcached session store of one context")
public class MemcachedSessionDataStore extends AbstractSessionDataStore
{
    private static final Logger LOG = LoggerFactory.getLogger(MemcachedSessionDataStore.class);

    private static final int MAX_OVERSIZED_LOGGED = 10_000;

    private final StoreParts parts;
    private final ThrottledLog failureLog = new ThrottledLog(LOG, 10, TimeUnit.SECONDS);
    /** Sessions whose refusal as too large was logged (the most recent ones). */
    private final Set<String> oversizedLogged = Collections.newSetFromMap(Collections.synchronizedMap(new LinkedHashMap<>()
    {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest)
        {
            return size() > MAX_OVERSIZED_LOGGED;
        }
    }));
    private final WritePolicy policy;
    private final SessionWrites writes;
    private SessionKeys keys;
    private StickyFreshness freshness;
    /** The longest TTL a copy written by this store had (how long a tombstone must live). */
    private final AtomicLong longestTtl = new AtomicLong();

    public MemcachedSessionDataStore(StoreParts parts)
    {
        this.parts = parts;
        this.policy = new WritePolicy(!parts.sticky());
        this.writes = new SessionWrites(parts, policy, failureLog);
    }

    private SessionLoads loads;

    @Override
    protected void doStart() throws Exception
    {
        super.doStart();
        keys = new SessionKeys(parts.keyPrefix(), _context.getCanonicalContextPath(), _context.getVhost());
        freshness = new StickyFreshness(parts, keys);
        loads = new SessionLoads(parts, _context.getCanonicalContextPath(), id -> (MemcachedSessionData)newSessionData(id, 0, 0, 0, 0),
            (id, x) -> new UnreadableSessionDataException(id, _context, x));
    }

    @Override
    protected void doStop() throws Exception
    {
        if (parts.writeAsync())
            parts.writer().flush(5000);
        super.doStop();
    }

    public SessionKeys getKeys()
    {
        return keys;
    }

    @ManagedAttribute("Key prefix of this context's sessions (prefix, context, virtual host)")
    public String getKeyScope()
    {
        return keys == null ? null : keys.scope();
    }

    @Override
    public boolean isPassivating()
    {
        return true;
    }

    private SessionId parse(String id)
    {
        SessionId sessionId = parts.ids().parse(id);
        if (sessionId == null)
            parts.statistics().rejectedId();
        return sessionId;
    }

    @Override
    public SessionData doLoad(String id) throws Exception
    {
        SessionId sessionId = parse(id);
        return sessionId == null ? null : loads.load(sessionId, id, keys, getSavePeriodSec(), tombstoneTtl());
    }

    /**
     * Sticky mode: whether a cached copy may be served without reading it again. It may while memcached confirmed
     * within {@code stickyRevalidate} that the primary copy is still the one it derives from; confirming costs one
     * small read (the copy's version, not its value). A copy never stored (new, or its write failed and memory holds
     * the only copy) is current; so is one whose primary node cannot be asked now (the id manager moves the session),
     * and one whose copies were lost with their node (restarted empty): it is written back by its next store.
     *
     * @return false if memcached holds a newer copy or a tombstone
     */
    public boolean isCurrent(String id, SessionData data)
    {
        return freshness.isCurrent(id, data);
    }

    @Override
    public SessionData newSessionData(String id, long created, long accessed, long lastAccessed, long maxInactiveMs)
    {
        return new MemcachedSessionData(id, _context.getCanonicalContextPath(), _context.getVhost(), created, accessed, lastAccessed, maxInactiveMs);
    }

    /** Jetty's store at the end of a request (and at context stop, id change, eviction). */
    @Override
    public void store(String id, SessionData data) throws Exception
    {
        store(WritePolicy.Trigger.STORE, id, data);
    }

    /** The store at response commit (non-sticky mode), before the client can see the response. */
    public void storeAtCommit(String id, SessionData data) throws Exception
    {
        store(WritePolicy.Trigger.RESPONSE_COMMIT, id, data);
    }

    /**
     * Jetty's {@code AbstractSessionDataStore.store} with the write policy's gate instead of Jetty's own: the same
     * bookkeeping of {@code lastSaved} and the dirty flags, the write inside the context's scope (webapp classes
     * serialize with the webapp's class loader).
     */
    private void store(WritePolicy.Trigger trigger, String id, SessionData data) throws Exception
    {
        if (!isStarted())
            throw new IllegalStateException("Not started");
        if (data == null)
            return;
        long lastSave = data.getLastSaved();
        long now = parts.clock().millis();
        boolean unsaved = data instanceof MemcachedSessionData tracked && tracked.isUnsaved();
        if (!policy.shouldEncode(trigger, data.isDirty(), data.isMetaDataDirty(), lastSave, unsaved, Duration.ofSeconds(getSavePeriodSec()), now))
            return;
        data.setLastSaved(now);
        FuturePromise<Void> result = new FuturePromise<>();
        _context.run(() ->
        {
            try
            {
                doStore(trigger, id, data, lastSave);
                data.clean();
                result.succeeded(null);
            }
            catch (Exception x)
            {
                data.setLastSaved(lastSave);
                result.failed(x);
            }
        });
        result.getOrThrow();
    }

    @Override
    public void doStore(String id, SessionData data, long lastSaveTime) throws Exception
    {
        doStore(WritePolicy.Trigger.STORE, id, data, lastSaveTime);
    }

    private void doStore(WritePolicy.Trigger trigger, String id, SessionData data, long lastSaveTime) throws Exception
    {
        SessionId sessionId = parts.ids().parse(id);
        if (sessionId == null)
            throw new IllegalArgumentException("not a session id of this cluster: " + id);
        try
        {
            int ttl = writes.store(trigger, sessionId, keys, data, lastSaveTime, getSavePeriodSec());
            longestTtl.accumulateAndGet(ttl == 0 || ttl > Ttl.MAX_RELATIVE_SECONDS ? Ttl.MAX_RELATIVE_SECONDS : ttl, Math::max);
        }
        catch (SessionTooLargeException x)
        {
            if (data instanceof MemcachedSessionData tracked)
                tracked.notWritten();
            refuseOversized(id, x);
        }
    }

    /**
     * A session over {@code maxSessionSize.bytes} is not written (memcached would refuse it and drop the stored copy
     * while doing so): the previous copy stays, every refusal is counted, and one line per session names its largest
     * attributes.
     */
    private void refuseOversized(String id, SessionTooLargeException x)
    {
        parts.statistics().sessionTooLarge();
        if (oversizedLogged.add(id))
            LOG.warn("session {} of context {} not written, its previous stored copy stays: {}", id, _context.getCanonicalContextPath(), x.getMessage());
    }

    @Override
    public boolean doExists(String id) throws Exception
    {
        try
        {
            SessionData data = doLoad(id);
            return data != null && (data.getExpiry() <= 0 || data.getExpiry() > parts.clock().millis());
        }
        catch (UnreadableSessionDataException x)
        {
            return false;
        }
    }

    /**
     * Ends the session: every copy is replaced by a tombstone (see {@link #tombstone}), so that nothing brings it
     * back. Called for invalidation and for the old id of an id change.
     */
    @Override
    public boolean delete(String id) throws Exception
    {
        return tombstone(id, null, 0);
    }

    /**
     * Replaces the copies of {@code id} by tombstones that live as long as any copy of it can: the longest TTL this
     * store gave a copy (at least the context's session timeout plus the slack), 30 days for immortal sessions.
     *
     * @param movedTo    the id the session moved to (its node died), or null if it ended
     * @param generation of a move: the generation of the session's last copy (the tombstone must beat it)
     * @return true if the primary copy's node got its tombstone
     */
    boolean tombstone(String id, String movedTo, long generation)
    {
        SessionId sessionId = parts.ids().parse(id);
        if (sessionId == null)
            return false;
        String key = keys.primary(id);
        if (parts.writeAsync())
            parts.writer().cancel(key, 2 * parts.operationTimeout().toMillis());
        byte[] tombstone = StoredValue.frame(parts.envelope().encodeTombstone(id, _context.getCanonicalContextPath(), generation, movedTo));
        CopyVersion version = movedTo == null ? CopyVersion.of(0, true) : CopyVersion.movedAt(generation);
        return parts.replicas().tombstone(sessionId, key, keys.backup(id), tombstoneTtl(), tombstone, version);
    }

    /**
     * Jetty's id change, made safe: the copies of the new id are created first (with {@code add}: an id in use is
     * never overwritten), then the old id's copies become tombstones; a move to another node (same random part)
     * leaves a tombstone that names the new id, an id change at login one that does not (the old id must never lead
     * to the session again).
     */
    public void renamed(String oldId, String newId, SessionData data) throws Exception
    {
        MemcachedSessionData tracked = data instanceof MemcachedSessionData m ? m : null;
        long generation = tracked == null ? 0 : tracked.storedGeneration();
        if (tracked != null)
            tracked.renamed();
        store(WritePolicy.Trigger.ID_CHANGE, newId, data);
        if (tracked != null)
            generation = Math.max(generation, tracked.storedGeneration());
        SessionId oldSessionId = parts.ids().parse(oldId);
        SessionId newSessionId = parts.ids().parse(newId);
        boolean moved = oldSessionId != null && newSessionId != null && oldSessionId.random().equals(newSessionId.random());
        if (moved)
            parts.forwards().moved(oldId, newId);
        tombstone(oldId, moved ? newId : null, generation);
    }

    /** @return the id a session moved to, as learned from its tombstone, or null */
    public String movedTo(String id)
    {
        return parts.forwards().movedTo(id);
    }

    private int tombstoneTtl()
    {
        long longest = Math.max(longestTtl.get(), defaultTtl());
        return longest <= 0 ? (int)Ttl.MAX_RELATIVE_SECONDS : (int)Math.min(longest, Ttl.MAX_RELATIVE_SECONDS);
    }

    private long defaultTtl()
    {
        int maxInactive = _context == null || _context.getSessionManager() == null ? -1 : _context.getSessionManager().getMaxInactiveInterval();
        if (maxInactive <= 0)
            return 0;
        return maxInactive + maxInactive / 2 + Ttl.MIN_SLACK_SECONDS + Math.max(0, getSavePeriodSec());
    }

    @Override
    public Set<String> doCheckExpired(Set<String> candidates, long time)
    {
        Set<String> expired = new HashSet<>();
        for (String id : candidates)
        {
            try
            {
                SessionData data = doLoad(id);
                if (data == null || (data.getExpiry() > 0 && data.getExpiry() <= time))
                    expired.add(id);
            }
            catch (UnreadableSessionDataException x)
            {
                expired.add(id);
            }
            catch (Exception x)
            {
                // A node that cannot be asked now is asked again at the next scavenge.
                LOG.debug("cannot check expiry of {}: {}", id, x.toString());
            }
        }
        return expired;
    }

    @Override
    public Set<String> doGetExpired(long before)
    {
        return Collections.emptySet();
    }

    @Override
    public void doCleanOrphans(long time)
    {
        // memcached expires abandoned values by their TTL.
    }

    @Override
    public String toString()
    {
        return String.format("%s@%x[keys=%s]", getClass().getSimpleName(), hashCode(), getKeyScope());
    }
}
