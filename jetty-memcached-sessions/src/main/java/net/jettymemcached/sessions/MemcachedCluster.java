package net.jettymemcached.sessions;

import java.time.InstantSource;

import net.jettymemcached.sessions.cache.RequestsInFlight;
import net.jettymemcached.sessions.format.SessionEnvelope;
import net.jettymemcached.sessions.id.SessionIdFormat;
import net.jettymemcached.sessions.lock.LockRenewal;
import net.jettymemcached.sessions.lock.RequestLocking;
import net.jettymemcached.sessions.lock.SessionLocks;
import net.jettymemcached.sessions.memcached.MemcachedAccess;
import net.jettymemcached.sessions.memcached.NodeClients;
import net.jettymemcached.sessions.node.NodeHealth;
import net.jettymemcached.sessions.node.NodeList;
import net.jettymemcached.sessions.replication.AsyncSessionWriter;
import net.jettymemcached.sessions.replication.Forwards;
import net.jettymemcached.sessions.replication.PendingTombstones;
import net.jettymemcached.sessions.node.MemcachedNode;
import net.jettymemcached.sessions.replication.Placement;
import net.jettymemcached.sessions.replication.SessionReplicas;
import net.jettymemcached.sessions.stats.MemcachedSessionStatistics;
import net.jettymemcached.sessions.store.StoreParts;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.annotation.ManagedAttribute;
import org.eclipse.jetty.util.annotation.ManagedObject;
import org.eclipse.jetty.util.component.ContainerLifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server-wide memcached side shared by the id manager and every context's store: the clients of the nodes,
 * their liveness, the placement of copies, the replicas, the asynchronous writer, the locks, the counters and the
 * requests in flight that may hold locks. Each part is a bean of this container, so {@code Server.dump()} and JMX
 * show them; started in that order (clients before the liveness probe that uses them), stopped in reverse (requests
 * in flight release their locks, then pending writes are flushed, before the clients close).
 * <p>
 * It is a bean of the {@link Server} (see {@link MemcachedSessions#install}) and lives as long as the server: the
 * server starts it before, and stops it after, the contexts whose stores use it.
 */
@ManagedObject("memcached sessions: nodes and counters")
public class MemcachedCluster extends ContainerLifeCycle
{
    private static final Logger LOG = LoggerFactory.getLogger(MemcachedCluster.class);

    private final Server server;
    private final MemcachedSettings settings;
    private final SessionIdFormat idFormat;
    private final MemcachedSessionStatistics statistics = new MemcachedSessionStatistics();
    private final NodeClients clients;
    private final NodeHealth health;
    private final Placement placement;
    private final SessionReplicas replicas;
    private final AsyncSessionWriter writer;
    private final AsyncSessionWriter backupWriter;
    private final RequestLocking locking;
    private final LockRenewal lockRenewal;
    private final RequestsInFlight requestsInFlight;
    private final StoreParts storeParts;
    private final MemcachedAccess access;
    private final Forwards forwards = new Forwards();
    private final PendingTombstones pendingTombstones;

    /**
     * @param server lends its scheduler and thread pool to the liveness probe; null to use threads of its own
     */
    public MemcachedCluster(Server server, MemcachedSettings settings)
    {
        this.server = server;
        this.settings = settings;
        NodeList nodes = settings.nodes();
        this.idFormat = new SessionIdFormat(nodes);
        this.clients = new NodeClients(nodes, settings.operationTimeout(), settings.protocol(), settings.sasl(), statistics::authenticationFailed);
        this.health = new NodeHealth(nodes, clients, settings.nodeProbeInterval(), settings.operationTimeout());
        this.placement = new Placement(nodes, health);
        this.access = new MemcachedAccess(clients, health);
        this.pendingTombstones = new PendingTombstones(access, InstantSource.system());
        health.addUpListener(pendingTombstones::nodeUp);
        this.replicas = new SessionReplicas(access, placement, statistics, pendingTombstones);
        this.writer = new AsyncSessionWriter(statistics, settings.asyncQueueCapacity(), settings.asyncQueueBytes(), settings.asyncStopTimeout());
        this.backupWriter = new AsyncSessionWriter(statistics, settings.asyncQueueCapacity(), settings.asyncQueueBytes(), settings.asyncStopTimeout(),
            "memcached-sessions-backup-writer");
        SessionLocks locks = new SessionLocks(access, placement, settings.lockExpiration(), settings.lockTimeout(), statistics);
        health.addUpListener(locks::nodeUp);
        this.lockRenewal = new LockRenewal(locks);
        this.locking = new RequestLocking(locks, lockRenewal, settings.lockingMode(), settings.lockTimeoutAction(), settings.lockTimeout(), statistics,
            settings.lockAutoMaxPaths());
        this.requestsInFlight = new RequestsInFlight(settings.asyncStopTimeout());
        SessionEnvelope envelope = settings.envelope();
        this.storeParts = new StoreParts(idFormat, envelope, replicas, writer, backupWriter, statistics, settings.keyPrefix(), settings.sticky(),
            settings.sticky() && settings.backupAsync(), settings.operationTimeout(), settings.stickyRevalidate(), forwards, InstantSource.system(),
            settings.trackTouchedAttributes());

        installBean(clients, true);
        installBean(health, true);
        installBean(placement);
        installBean(replicas);
        installBean(pendingTombstones);
        installBean(writer, true);
        installBean(backupWriter, true);
        installBean(lockRenewal, true);
        installBean(locking);
        installBean(statistics);
        // Installed after the clients and the writers, so stopped before them: requests in flight release their locks first.
        installBean(requestsInFlight, true);
    }

    @Override
    protected void doStart() throws Exception
    {
        if (server != null)
        {
            health.setScheduler(server.getScheduler());
            health.setExecutor(server.getThreadPool());
            lockRenewal.setScheduler(server.getScheduler());
            lockRenewal.setExecutor(server.getThreadPool());
        }
        super.doStart();
        LOG.info("memcached sessions: nodes {}, live {}, {}", settings.nodes(), health.getLiveNodes(), settings.sticky() ? "sticky" : "non-sticky");
    }

    public SessionIdFormat idFormat()
    {
        return idFormat;
    }

    /** The counters; registered over JMX as a bean of their own. */
    public MemcachedSessionStatistics statistics()
    {
        return statistics;
    }

    public Placement placement()
    {
        return placement;
    }

    /** Where moved sessions went (learned from the tombstones moves leave). */
    public Forwards forwards()
    {
        return forwards;
    }

    /** @return true if {@code node} answers now (one small read); a node that does not is marked down */
    public boolean answers(MemcachedNode node)
    {
        return access.ping(node);
    }

    public NodeHealth health()
    {
        return health;
    }

    public AsyncSessionWriter writer()
    {
        return writer;
    }

    public RequestLocking locking()
    {
        return locking;
    }

    /** The requests that may hold session locks: a stop waits for them before the clients close. */
    public RequestsInFlight requestsInFlight()
    {
        return requestsInFlight;
    }

    /** What every context's store shares. */
    public StoreParts storeParts()
    {
        return storeParts;
    }

    @ManagedAttribute("Configured nodes")
    public String getNodes()
    {
        return settings.nodes().toString();
    }

    @ManagedAttribute("Live nodes")
    public String getLiveNodes()
    {
        return health.getLiveNodes();
    }

    @ManagedAttribute("Nodes that are down")
    public String getDownNodes()
    {
        return health.getDownNodes();
    }

    @Override
    public String toString()
    {
        return String.format("%s@%x{%s, %s}", getClass().getSimpleName(), hashCode(), getState(), settings);
    }
}
