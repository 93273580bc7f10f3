package net.jettymemcached.sessions;

import net.jettymemcached.sessions.cache.RequestScope;
import net.jettymemcached.sessions.cache.RequestsInFlight;
import net.jettymemcached.sessions.cache.StickySessionCache;
import net.jettymemcached.sessions.id.SessionId;
import net.jettymemcached.sessions.id.SessionIdFormat;
import net.jettymemcached.sessions.node.NodeList;
import org.eclipse.jetty.server.Context;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ContextHandler;
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
 * Jetty resolves each id a request carries (every session cookie, {@code ;jsessionid=}) in the context, and passes
 * each through {@link #getId(String)} before the context's cache loads it. That is where, before the session is
 * loaded:
 * <ul>
 * <li>the context's cache does what it must first (locking, in non-sticky mode), for the session's live home;</li>
 * <li>if the id's node is dead, the session moves to its live home: same random part, new node, the same new id on
 * every Jetty. The data follows through Jetty's own id renewal (loaded from the backup, stored under the new id), and
 * Jetty sends the new cookie in the same response because the id no longer matches the cookie;</li>
 * <li>if the cookie names another worker, the session was served there since, and a copy cached here is dropped so
 * the request sees the newer one from memcached.</li>
 * </ul>
 * Exceptions thrown here reach Jetty (unlike those of the cache), which is how a request that may not proceed is
 * answered 503 before the application runs.
 * <p>
 * The server stops the id manager before its contexts (it is added after the handler), and Jetty's own drops its
 * random generator then: its stop first waits for the requests that may hold session locks (bounded, see
 * {@link RequestsInFlight}), and from then on a new id is refused with 503 instead of failing with a
 * {@code NullPointerException}.
 */
@ManagedObject("Session id manager that encodes the memcached node in the id")
public class MemcachedSessionIdManager extends DefaultSessionIdManager
{
    private static final Logger LOG = LoggerFactory.getLogger(MemcachedSessionIdManager.class);

    private final MemcachedCluster cluster;
    private final SessionIdFormat idFormat;
    private final Relocations relocations = new Relocations();
    /** Retired or unknown nodes whose sessions were logged; bounded: forged ids may name any number of nodes. */
    private static final int MAX_NODES_LOGGED = 64;
    private final java.util.Set<String> nodesLogged = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final RequestsInFlight requestsInFlight;
    /** Guards {@link #idsStopped} against id generation: Jetty nulls its random generator at stop. */
    private final Object idLock = new Object();
    private boolean idsStopped;

    public MemcachedSessionIdManager(Server server, MemcachedCluster cluster)
    {
        super(server);
        this.cluster = cluster;
        this.idFormat = cluster.idFormat();
        this.requestsInFlight = cluster.requestsInFlight();
    }

    /** @return the memcached side this id manager places sessions on */
    public MemcachedCluster getCluster()
    {
        return cluster;
    }

    /** @throws net.jettymemcached.sessions.cache.ServerStoppingException once stopped (503) */
    @Override
    public String newSessionId(long seedTerm)
    {
        String random;
        synchronized (idLock)
        {
            if (idsStopped)
                throw requestsInFlight.refuse(null);
            do
            {
                random = SessionIdFormat.randomPart(super.newSessionId(seedTerm));
            }
            while (random.length() < SessionIdFormat.MIN_RANDOM);
        }
        return new SessionId(random, cluster.placement().forNewSession().id()).clusterId();
    }

    @Override
    public String getId(String extendedId)
    {
        String clusterId = super.getId(extendedId);
        SessionId id = idFormat.parse(clusterId);
        if (id == null)
        {
            logUnknownNode(clusterId);
            return clusterId; // the store refuses it without asking memcached; the request gets a new session
        }
        // Where the session lives now: under the id it moved to, if its tombstone said so, and then on a live node.
        String movedTo = cluster.forwards().movedTo(clusterId);
        SessionId moved = movedTo == null ? null : idFormat.parse(movedTo);
        SessionId current = moved == null ? id : moved;
        SessionId home = lockWhereItLives(current);
        if (!home.equals(current))
            return relocate(current == id ? extendedId : getExtendedId(current.clusterId(), null), current, home);
        String worker = SessionIdFormat.workerOf(extendedId);
        if (worker != null && !worker.equals(getWorkerName()))
            evictStaleCopies(current.clusterId());
        return current.clusterId();
    }

    /**
     * Jetty reuses a requested id for a new session when the id is in use; here only when it is in use by another
     * context (one id per browser across contexts) but not by the context creating the session: a session that could
     * not be loaded (ignored path, a load that failed) is never replaced by an empty one under its own id. An ignored
     * request gets a temporary session under the requested id, which is never stored and leaves the cookie as it is.
     */
    @Override
    public String newSessionId(Request request, String requestedId, long created)
    {
        if (request != null && (RequestsInFlight.isRefused(request) || idsStopped()))
            throw requestsInFlight.refuse(request); // it arrived while stopping, or runs on after the stop: 503
        if (request == null || requestedId == null)
            return super.newSessionId(request, requestedId, created);
        String requested = super.getId(requestedId);
        if (RequestScope.isCurrentRequestIgnored() && idFormat.parse(requested) != null)
            return requested;
        String clusterId = getId(requestedId);
        // Asked once per context: asking Jetty's isIdInUse again would race with a write landing in between.
        Context current = ContextHandler.getCurrentContext();
        boolean inUseHere = false;
        boolean inUseElsewhere = false;
        for (SessionManager manager : getSessionManagers())
        {
            boolean here = manager.getContext() == current;
            if (here ? inUseHere : inUseElsewhere)
                continue;
            boolean inUse = isIdInUse(manager, clusterId);
            inUseHere |= here && inUse;
            inUseElsewhere |= !here && inUse;
        }
        if (!inUseHere && inUseElsewhere)
            return clusterId;
        String fresh = (String)request.getAttribute(__NEW_SESSION_ID);
        if (fresh == null)
        {
            fresh = newSessionId(created);
            request.setAttribute(__NEW_SESSION_ID, fresh);
        }
        return fresh;
    }

    private boolean idsStopped()
    {
        synchronized (idLock)
        {
            return idsStopped;
        }
    }

    @Override
    protected void doStart() throws Exception
    {
        synchronized (idLock)
        {
            idsStopped = false;
        }
        super.doStart();
    }

    /**
     * Waits first (bounded) for the requests in flight that may hold locks: their contexts, stopped after this, then
     * still store their sessions, and this still makes their ids.
     */
    @Override
    protected void doStop() throws Exception
    {
        requestsInFlight.awaitNone();
        synchronized (idLock)
        {
            idsStopped = true;
        }
        super.doStop();
    }

    private static boolean isIdInUse(SessionManager manager, String clusterId)
    {
        try
        {
            return manager.isIdInUse(clusterId);
        }
        catch (Exception x)
        {
            LOG.debug("cannot tell whether {} is in use: {}", clusterId, x.toString());
            return true; // unknown: never risk replacing it
        }
    }

    /**
     * Runs the cache's hooks (locking) for the session's live home. A lock node that does not answer is marked
     * down, so the live home is elsewhere then: it is locked there (each failure marks one more node down).
     *
     * @return the live home the hooks ran for
     */
    private SessionId lockWhereItLives(SessionId current)
    {
        SessionId home = cluster.placement().liveHome(current, cluster::answers);
        for (int node = 0; node < cluster.placement().nodes().nodes().size(); node++)
        {
            if (beforeLoad(home))
                return home;
            SessionId next = cluster.placement().liveHome(current, cluster::answers);
            if (next.equals(home))
                return home; // nowhere else to go: the request proceeds unlocked
            home = next;
        }
        return home;
    }

    /** @return false if the lock of {@code home} could not be asked: its node is marked down now */
    private static boolean beforeLoad(SessionId home)
    {
        try
        {
            return RequestScope.beforeLoad(home);
        }
        catch (InterruptedException x)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted before loading session " + home, x);
        }
    }

    private String relocate(String oldExtendedId, SessionId oldId, SessionId newId)
    {
        String newClusterId = newId.clusterId();
        relocations.once(oldId.clusterId(), newClusterId, () ->
        {
            if (cluster.placement().isPlaced(oldId))
                LOG.info("memcached node {} is down: session {} moves to {}", oldId.nodeId(), oldId, newClusterId);
            else
                logUnplacedNode(oldId, newClusterId);
            cluster.statistics().relocated();
            renewEverywhere(oldId.clusterId(), oldExtendedId, newClusterId);
        });
        return newClusterId;
    }

    /**
     * Once per node (a bounded number of them: ids naming made-up nodes cannot flood the log), the first session
     * seen moving off a retired node; the others at DEBUG.
     */
    private void logUnplacedNode(SessionId oldId, String newClusterId)
    {
        String node = oldId.nodeId();
        if (firstTimeFor(node))
            LOG.info("memcached node {} is retired: its sessions move to the configured nodes as they are used, read from {} (first: {} moves to {})",
                node, cluster.placement().nodes().node(node) != null ? "it and their backups" : "their backups", oldId, newClusterId);
        else
            LOG.debug("memcached node {} is retired: session {} moves to {}", node, oldId, newClusterId);
    }

    /**
     * A node removed from the list without being listed as retired drops its sessions (its ids cannot be told from
     * forged ones, which never reach memcached): said once per node, with what to do.
     */
    private void logUnknownNode(String clusterId)
    {
        String node = idFormat.unknownNodeOf(clusterId);
        if (node != null && firstTimeFor(node))
            LOG.warn("a session id names memcached node {}, which is neither in {} nor in {}: the request gets a new session. If {} was removed, "
                + "list it in {} to keep its sessions (see the README, Changing the node list)", node, NodeList.NODES_PROPERTY, NodeList.RETIRED_NODES_PROPERTY,
                node, NodeList.RETIRED_NODES_PROPERTY);
    }

    private boolean firstTimeFor(String node)
    {
        return nodesLogged.size() < MAX_NODES_LOGGED && nodesLogged.add(node);
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
