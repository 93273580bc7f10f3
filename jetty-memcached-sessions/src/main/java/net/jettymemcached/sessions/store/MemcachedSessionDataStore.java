package net.jettymemcached.sessions.store;

import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import net.jettymemcached.sessions.MemcachedCluster;
import net.jettymemcached.sessions.codec.UnreadableEnvelopeException;
import net.jettymemcached.sessions.id.SessionId;
import net.jettymemcached.sessions.memcached.MemcachedAccessException;
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
    /** Sessions whose last write reached no node (sticky mode): their next store is a full write. */
    private final Set<String> unsaved = ConcurrentHashMap.newKeySet();
    private SessionKeys keys;

    public MemcachedSessionDataStore(MemcachedCluster cluster)
    {
        this.cluster = cluster;
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

    /** Writes are asynchronous only where memory holds the authoritative copy: sticky mode with backupAsync. */
    private boolean isAsync()
    {
        return cluster.config().isSticky() && cluster.config().isBackupAsync();
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
            cluster.replicas().restorePrimary(sessionId, key, Ttl.forSession(data, System.currentTimeMillis(), getSavePeriodSec()), copy.value());
        return data;
    }

    private SessionData decode(String id, byte[] value) throws UnreadableSessionDataException
    {
        try
        {
            SessionData target = newSessionData(id, 0, 0, 0, 0);
            return cluster.envelope().decode(value, target);
        }
        catch (UnreadableEnvelopeException x)
        {
            cluster.statistics().unreadable();
            LOG.warn("session {} of context {} is unreadable and will be discarded: {}", id, _context.getCanonicalContextPath(), x.getMessage());
            throw new UnreadableSessionDataException(id, _context, x);
        }
    }

    @Override
    public void store(String id, SessionData data) throws Exception
    {
        if (data != null && unsaved.contains(id))
            data.setDirty(true);
        super.store(id, data);
    }

    @Override
    public void doStore(String id, SessionData data, long lastSaveTime) throws Exception
    {
        SessionId sessionId = cluster.idFormat().parse(id);
        if (sessionId == null)
            throw new IllegalArgumentException("not a session id of this cluster: " + id);
        byte[] value = cluster.envelope().encode(data);
        int ttl = Ttl.forSession(data, System.currentTimeMillis(), getSavePeriodSec());
        String key = keys.primary(id);
        String backupKey = keys.backup(id);
        if (isAsync())
        {
            cluster.writer().submit(key, new AsyncSessionWriter.PendingWrite(value, () -> writeKeptInMemory(sessionId, key, backupKey, ttl, value)));
            return;
        }
        if (cluster.config().isSticky())
            writeKeptInMemory(sessionId, key, backupKey, ttl, value);
        else
            cluster.replicas().write(sessionId, key, backupKey, ttl, value);
    }

    /**
     * In sticky mode memory holds the session, so a write that reached no node is not an error for the request:
     * it is counted (by the replicas), logged without flooding, and the next store of the session writes it in full.
     */
    private void writeKeptInMemory(SessionId id, String key, String backupKey, int ttl, byte[] value)
    {
        try
        {
            cluster.replicas().write(id, key, backupKey, ttl, value);
            unsaved.remove(id.clusterId());
        }
        catch (MemcachedAccessException x)
        {
            unsaved.add(id.clusterId());
            failureLog.warn("session write failed, the session stays in memory and is written again on its next request: {}", x.getMessage());
        }
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
        unsaved.remove(id);
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
