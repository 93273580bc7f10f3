package net.jettymemcached.sessions.id;

import java.util.Optional;

import net.jettymemcached.sessions.MemcachedCluster;
import net.jettymemcached.sessions.cache.StickySessionCache;
import net.jettymemcached.sessions.node.MemcachedNode;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.session.DefaultSessionIdManager;
import org.eclipse.jetty.session.SessionManager;
import org.eclipse.jetty.util.annotation.ManagedObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces Jetty's {@link DefaultSessionIdManager} so that session ids name their memcached node:
 * {@code <random>-<node>} as cluster id, {@code <random>-<node>.<worker>} in the cookie.
 * <p>
 * Every request's id passes through {@link #getId(String)}, which is where two things happen before the session is
 * looked up:
 * <ul>
 * <li>if the id's node is dead, the session moves to the next live node: same random part, new node, the same new id
 * on every Jetty. The data follows through Jetty's own id renewal (loaded from the backup, stored under the new id),
 * and Jetty sends the new cookie in the same response because the id no longer matches the cookie;</li>
 * <li>if the cookie names another worker, the session was served there since, and a copy cached here is dropped so
 * the request sees the newer one from memcached.</li>
 * </ul>
 */
@ManagedObject("Session id manager that encodes the memcached node in the id")
public class MemcachedSessionIdManager extends DefaultSessionIdManager
{
    private static final Logger LOG = LoggerFactory.getLogger(MemcachedSessionIdManager.class);

    private final MemcachedCluster cluster;
    private final Relocations relocations = new Relocations();

    public MemcachedSessionIdManager(Server server, MemcachedCluster cluster)
    {
        super(server);
        this.cluster = cluster;
        addBean(cluster, false);
        addBean(cluster.statistics(), false);
    }

    public MemcachedCluster getCluster()
    {
        return cluster;
    }

    @Override
    protected void doStart() throws Exception
    {
        cluster.acquire();
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception
    {
        try
        {
            super.doStop();
        }
        finally
        {
            cluster.release();
        }
    }

    @Override
    public String newSessionId(long seedTerm)
    {
        String random;
        do
        {
            random = SessionIdFormat.randomPart(super.newSessionId(seedTerm));
        }
        while (random.length() < SessionIdFormat.MIN_RANDOM);
        MemcachedNode node = cluster.selector().forNewSession();
        return new SessionId(random, node.id()).clusterId();
    }

    @Override
    public String getId(String extendedId)
    {
        String clusterId = super.getId(extendedId);
        SessionId id = cluster.idFormat().parse(clusterId);
        if (id == null)
            return clusterId; // the store refuses it without asking memcached; the request gets a new session
        if (!id.nodeId().isEmpty() && !cluster.selector().isLive(id.nodeId()))
        {
            Optional<MemcachedNode> target = cluster.selector().nextLiveAfter(id.nodeId());
            if (target.isPresent())
                return relocate(extendedId, id, id.onNode(target.get().id()));
        }
        String worker = SessionIdFormat.workerOf(extendedId);
        if (worker != null && !worker.equals(getWorkerName()))
            evictStaleCopies(clusterId);
        return clusterId;
    }

    private String relocate(String oldExtendedId, SessionId oldId, SessionId newId)
    {
        String newClusterId = newId.clusterId();
        relocations.once(oldId.clusterId(), newClusterId, () ->
        {
            LOG.info("memcached node {} is down: session {} moves to {}", oldId.nodeId(), oldId, newClusterId);
            cluster.statistics().relocated();
            renewEverywhere(oldId.clusterId(), oldExtendedId, newClusterId);
        });
        return newClusterId;
    }

    private void evictStaleCopies(String clusterId)
    {
        for (SessionManager manager : getSessionManagers())
        {
            if (manager.getSessionCache() instanceof StickySessionCache cache && cache.evictStale(clusterId))
                LOG.debug("dropped cached copy of {} in {}: the request comes from another worker", clusterId, manager);
        }
    }

    /** Jetty's version needs a request; a relocation or a call without one still gets a fresh id. */
    @Override
    public String renewSessionId(String oldClusterId, String oldNodeId, Request request)
    {
        if (request != null)
            return super.renewSessionId(oldClusterId, oldNodeId, request);
        String newClusterId = newSessionId(System.nanoTime());
        renewEverywhere(oldClusterId, oldNodeId, newClusterId);
        return newClusterId;
    }

    /** Renames the session in every context (one id is shared by all contexts of a browser). */
    private void renewEverywhere(String oldClusterId, String oldExtendedId, String newClusterId)
    {
        String newExtendedId = getExtendedId(newClusterId, null);
        for (SessionManager manager : getSessionManagers())
        {
            try
            {
                manager.renewSessionId(oldClusterId, oldExtendedId, newClusterId, newExtendedId);
            }
            catch (Exception x)
            {
                LOG.warn("session {} could not be renamed to {} in {}: {}", oldClusterId, newClusterId, manager, x.toString());
            }
        }
    }
}
