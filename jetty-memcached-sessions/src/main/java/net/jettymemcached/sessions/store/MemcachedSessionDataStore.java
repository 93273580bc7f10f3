package net.jettymemcached.sessions.store;

import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import net.jettymemcached.sessions.MemcachedCluster;
import net.jettymemcached.sessions.format.SessionEnvelope;
import net.jettymemcached.sessions.format.SessionTooLargeException;
import net.jettymemcached.sessions.format.UnreadableEnvelopeException;
import net.jettymemcached.sessions.id.SessionId;
import net.jettymemcached.sessions.stats.ThrottledLog;
import org.eclipse.jetty.session.AbstractSessionDataStore;
import org.eclipse.jetty.session.SessionData;
import org.eclipse.jetty.session.UnreadableSessionDataException;
import org.eclipse.jetty.util.annotation.ManagedAttribute;
import org.eclipse.jetty.util.annotation.ManagedObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jetty's {@code SessionDataStore} for one context, keeping each session in memcached as a primary copy on the node
 * named in the session id and a backup on the next live node.
 * <p>
 * memcached cannot enumerate keys, so {@link #doGetExpired} finds nothing and {@link #doCleanOrphans} does nothing:
 * abandoned values disappear by their memcached expiry instead.
 */
@ManagedObject("memcached session store of one context")
public class MemcachedSessionDataStore extends AbstractSessionDataStore
{
    private static final Logger LOG = LoggerFactory.getLogger(MemcachedSessionDataStore.class);

    private final MemcachedCluster cluster;
    private final ThrottledLog failureLog = new ThrottledLog(LOG, 10, TimeUnit.SECONDS);
    private final SessionWrites writes;
    /** Sessions whose refusal as too large was logged. */
    private final Set<String> oversizedLogged = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private SessionKeys keys;

    public MemcachedSessionDataStore(MemcachedCluster cluster)
    {
        this.cluster = cluster;
        this.writes = new SessionWrites(cluster, failureLog);
    }

    @Override
    protected void doStart() throws Exception
    {
        super.doStart();
        keys = new SessionKeys(cluster.config().getKeyPrefix(), _context.getCanonicalContextPath(), _context.getVhost());
        cluster.acquire();
        cluster.register(this);
    }

    @Override
    protected void doStop() throws Exception
    {
        cluster.unregister(this);
        cluster.writer().flush(5000);
        cluster.release();
        super.doStop();
    }

    /** @return the context path of this store's context ({@code ""} for the root context) */
    public String getContextPath()
    {
        String path = _context.getContext().getContextPath();
        return path == null || path.equals("/") ? "" : path;
    }

    /** @return the name of the session cookie of this store's context */
    public String getSessionCookieName()
    {
        return _context.getSessionManager().getSessionCookie();
    }

    /** @return true if a request for {@code path} on {@code host} is handled by this store's context */
    public boolean serves(String path, String host)
    {
        String contextPath = getContextPath();
        if (!contextPath.isEmpty() && !(path.equals(contextPath) || path.startsWith(contextPath + "/")))
            return false;
        List<String> vhosts = _context.getContext().getVirtualHosts();
        if (vhosts == null || vhosts.isEmpty())
            return true;
        for (String vhost : vhosts)
        {
            if (vhost.startsWith("@") || vhost.equalsIgnoreCase(host) ||
                (vhost.startsWith("*.") && host != null && host.toLowerCase(Locale.ROOT).endsWith(vhost.substring(1).toLowerCase(Locale.ROOT))))
                return true;
        }
        return false;
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
        SessionId sessionId = cluster.idFormat().parse(id);
        if (sessionId == null)
            cluster.statistics().rejectedId();
        return sessionId;
    }

    @Override
    public SessionData doLoad(String id) throws Exception
    {
        SessionId sessionId = parse(id);
        if (sessionId == null)
            return null;
        String key = keys.primary(id);
        byte[] pending = cluster.writer().pendingValue(key);
        if (pending != null)
            return decode(id, pending);

        StoredCopy copy = cluster.replicas().read(sessionId, key, keys.backup(id));
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
            copy = copy.fromBackup() ? null : cluster.replicas().readBackup(sessionId, keys.backup(id));
            if (copy == null)
                throw x;
            data = decode(id, copy.value());
        }
        cluster.statistics().loaded();
        if (copy.primaryEmpty())
            cluster.replicas().restorePrimary(sessionId, key, Ttl.forStoredValue(data, System.currentTimeMillis(), getSavePeriodSec()), copy.value());
        return data;
    }

    /** Decodes a stored value: its envelope, then the latest access record appended to it. */
    private SessionData decode(String id, byte[] value) throws UnreadableSessionDataException
    {
        try
        {
            long started = System.nanoTime();
            StoredValue stored = StoredValue.parse(value);
            SessionEnvelope.Decoded decoded = cluster.envelope().decodeWithDigest(stored.envelope(), newSessionData(id, 0, 0, 0, 0));
            cluster.statistics().deserialized(System.nanoTime() - started);
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
            cluster.statistics().unreadable();
            LOG.warn("session {} of context {} is unreadable and will be discarded: {}", id, _context.getCanonicalContextPath(), x.getMessage());
            throw new UnreadableSessionDataException(id, _context, x);
        }
    }

    @Override
    public SessionData newSessionData(String id, long created, long accessed, long lastAccessed, long maxInactiveMs)
    {
        return new MemcachedSessionData(id, _context.getCanonicalContextPath(), _context.getVhost(), created, accessed, lastAccessed, maxInactiveMs);
    }

    @Override
    public void store(String id, SessionData data) throws Exception
    {
        if (data != null && writes.isUnsaved(id))
            data.setDirty(true);
        super.store(id, data);
    }

    @Override
    public void doStore(String id, SessionData data, long lastSaveTime) throws Exception
    {
        SessionId sessionId = cluster.idFormat().parse(id);
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
        cluster.statistics().sessionTooLarge();
        if (oversizedLogged.size() > 10_000)
            oversizedLogged.clear();
        if (oversizedLogged.add(id))
            LOG.warn("session {} of context {} not written, its previous stored copy stays: {}", id, _context.getCanonicalContextPath(), x.getMessage());
    }

    @Override
    public boolean doExists(String id) throws Exception
    {
        try
        {
            SessionData data = doLoad(id);
            return data != null && (data.getExpiry() <= 0 || data.getExpiry() > System.currentTimeMillis());
        }
        catch (UnreadableSessionDataException x)
        {
            return false;
        }
    }

    @Override
    public boolean delete(String id) throws Exception
    {
        SessionId sessionId = cluster.idFormat().parse(id);
        if (sessionId == null)
            return false;
        String key = keys.primary(id);
        writes.forget(id);
        cluster.writer().cancel(key, 2 * cluster.config().getOperationTimeoutMillis());
        return cluster.replicas().delete(sessionId, key, keys.backup(id), keys.lock(id));
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
