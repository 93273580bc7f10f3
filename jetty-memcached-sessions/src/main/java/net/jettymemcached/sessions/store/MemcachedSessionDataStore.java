package net.jettymemcached.sessions.store;

import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import net.jettymemcached.sessions.format.SessionEnvelope;
import net.jettymemcached.sessions.format.SessionTooLargeException;
import net.jettymemcached.sessions.format.UnreadableEnvelopeException;
import net.jettymemcached.sessions.format.AccessRecord;
import net.jettymemcached.sessions.format.StoredValue;
import net.jettymemcached.sessions.id.SessionId;
import net.jettymemcached.sessions.replication.StoredCopy;
import net.jettymemcached.sessions.stats.ThrottledLog;
import org.eclipse.jetty.session.AbstractSessionDataStore;
import org.eclipse.jetty.session.SessionData;
import org.eclipse.jetty.session.UnreadableSessionDataException;
import org.eclipse.jetty.util.FuturePromise;
import org.eclipse.jetty.util.annotation.ManagedAttribute;
import org.eclipse.jetty.util.annotation.ManagedObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.eclipse.jetty.util.NanoTime;

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

    public MemcachedSessionDataStore(StoreParts parts)
    {
        this.parts = parts;
        this.policy = new WritePolicy(!parts.sticky());
        this.writes = new SessionWrites(parts, policy, failureLog);
    }

    @Override
    protected void doStart() throws Exception
    {
        super.doStart();
        keys = new SessionKeys(parts.keyPrefix(), _context.getCanonicalContextPath(), _context.getVhost());
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
        if (sessionId == null)
            return null;
        String key = keys.primary(id);
        byte[] pending = parts.writeAsync() ? parts.writer().pendingValue(key) : null;
        if (pending != null)
            return decode(id, pending);

        StoredCopy copy = parts.replicas().read(sessionId, key, keys.backup(id));
        if (copy == null)
            return null;
        SessionData data;
        try
        {
            data = decode(id, copy.value());
        }
        catch (UnreadableSessionDataException x)
        {
            // A damaged primary copy is not the end of the session while its backup is intact.
            copy = copy.fromBackup() ? null : parts.replicas().readBackup(sessionId, keys.backup(id));
            if (copy == null)
                throw x;
            data = decode(id, copy.value());
        }
        parts.statistics().loaded();
        if (copy.primaryEmpty())
            parts.replicas().restorePrimary(sessionId, key, Ttl.forStoredValue(data, parts.clock().millis(), getSavePeriodSec()), copy.value());
        return data;
    }

    /** Decodes a stored value: its envelope, then the latest access record appended to it. */
    private SessionData decode(String id, byte[] value) throws UnreadableSessionDataException
    {
        try
        {
            long started = NanoTime.now();
            StoredValue stored = StoredValue.parse(value);
            SessionEnvelope.Decoded decoded = parts.envelope().decodeWithDigest(stored.envelope(), newSessionData(id, 0, 0, 0, 0));
            parts.statistics().deserialized(NanoTime.since(started));
            SessionData data = decoded.data();
            long writtenInFull = data.getLastSaved();
            AccessRecord access = stored.latestAccess() == null ? AccessRecord.of(data) : stored.latestAccess();
            access.applyTo(data);
            if (data instanceof MemcachedSessionData tracked)
                tracked.storedInFull(decoded.attributeDigest(), writtenInFull, access, stored.records());
            return data;
        }
        catch (UnreadableEnvelopeException x)
        {
            parts.statistics().unreadable();
            LOG.warn("session {} of context {} is unreadable and will be discarded: {}", id, _context.getCanonicalContextPath(), x.getMessage());
            throw new UnreadableSessionDataException(id, _context, x);
        }
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
                doStore(id, data, lastSave);
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
        SessionId sessionId = parts.ids().parse(id);
        if (sessionId == null)
            throw new IllegalArgumentException("not a session id of this cluster: " + id);
        try
        {
            writes.store(sessionId, keys, data, lastSaveTime, getSavePeriodSec());
        }
        catch (SessionTooLargeException x)
        {
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

    @Override
    public boolean delete(String id) throws Exception
    {
        SessionId sessionId = parts.ids().parse(id);
        if (sessionId == null)
            return false;
        String key = keys.primary(id);
        if (parts.writeAsync())
            parts.writer().cancel(key, 2 * parts.operationTimeout().toMillis());
        return parts.replicas().delete(sessionId, key, keys.backup(id), keys.lock(id));
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
