package net.jettymemcached.sessions;

import java.io.ObjectInputFilter;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

import net.jettymemcached.sessions.format.AttributeCodecs;
import net.jettymemcached.sessions.security.DeserializationFilters;
import net.jettymemcached.sessions.format.SessionEnvelope;
import net.jettymemcached.sessions.security.Signer;
import net.jettymemcached.sessions.config.InvalidConfigurationException;
import net.jettymemcached.sessions.config.MemcachedSessionsConfig;
import net.jettymemcached.sessions.id.SessionIdFormat;
import net.jettymemcached.sessions.lock.RequestOutcomes;
import net.jettymemcached.sessions.lock.SessionLocks;
import net.jettymemcached.sessions.memcached.MemcachedAccess;
import net.jettymemcached.sessions.memcached.NodeClients;
import net.jettymemcached.sessions.node.NodeHealth;
import net.jettymemcached.sessions.node.NodeList;
import net.jettymemcached.sessions.node.NodeSelector;
import net.jettymemcached.sessions.stats.MemcachedSessionStatistics;
import net.jettymemcached.sessions.store.AsyncSessionWriter;
import net.jettymemcached.sessions.store.MemcachedSessionDataStore;
import net.jettymemcached.sessions.store.SessionReplicas;
import org.eclipse.jetty.util.annotation.ManagedAttribute;
import org.eclipse.jetty.util.annotation.ManagedObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server-wide memcached side shared by the id manager and every context's store: the node list, the clients,
 * liveness, the asynchronous writer and the counters.
 * <p>
 * Its users start and stop at different times (contexts restart, the id manager lives as long as the server), so it
 * is reference counted: the first {@link #acquire()} connects, the last {@link #release()} flushes and disconnects.
 */
@ManagedObject("memcached sessions: nodes and counters")
public class MemcachedCluster
{
    private static final Logger LOG = LoggerFactory.getLogger(MemcachedCluster.class);

    private final MemcachedSessionsConfig config;
    private final NodeList nodes;
    private final SessionIdFormat idFormat;
    private final MemcachedSessionStatistics statistics = new MemcachedSessionStatistics();
    private final SessionEnvelope envelope;
    private int users;
    private volatile NodeClients clients;
    private volatile NodeHealth health;
    private volatile NodeSelector selector;
    private volatile SessionReplicas replicas;
    private volatile AsyncSessionWriter writer;
    private volatile SessionLocks locks;
    private final RequestOutcomes outcomes = new RequestOutcomes();
    private final Set<MemcachedSessionDataStore> stores = new CopyOnWriteArraySet<>();

    public MemcachedCluster(MemcachedSessionsConfig config)
    {
        try
        {
            config.validate();
        }
        catch (InvalidConfigurationException x)
        {
            // Jetty prints the exception among many stack frames; this line is the one an operator needs.
            LOG.error("memcached-sessions cannot start: {}", x.getMessage());
            throw x;
        }
        this.config = config;
        this.envelope = envelopeOf(config);
        this.nodes = config.nodeList();
        this.idFormat = new SessionIdFormat(nodes);
    }

    /** The stored-value format as configured: serializer, filter, compression, size limit, signing keys. */
    private static SessionEnvelope envelopeOf(MemcachedSessionsConfig config)
    {
        ObjectInputFilter filter = DeserializationFilters.parse(config.getDeserializationFilter());
        return new SessionEnvelope(AttributeCodecs.of(config.getSerializer(), filter), filter,
            config.getCompressionThresholdBytes(), config.getMaxSessionSizeBytes(), Signer.parse(config.getSigningKey()));
    }

    /** Connects on first use. */
    public synchronized void acquire() throws Exception
    {
        if (users++ > 0)
            return;
        try
        {
            clients = new NodeClients(nodes, config.getOperationTimeoutMillis(), config.getProtocol(), config.getUsername(), config.getPassword());
            health = new NodeHealth(nodes, clients::probe, config.getNodeProbeIntervalMillis(), config.getOperationTimeoutMillis());
            health.start();
            selector = new NodeSelector(nodes, health);
            MemcachedAccess access = new MemcachedAccess(clients, health);
            replicas = new SessionReplicas(access, selector, statistics);
            locks = new SessionLocks(access, nodes, config.getLockExpirationSeconds(), config.getLockTimeoutMillis(), statistics);
            writer = new AsyncSessionWriter(statistics, config.getAsyncQueueCapacity());
            writer.start();
            LOG.info("memcached sessions: nodes {}, live {}, {}", nodes, health.getLiveNodes(), config.isSticky() ? "sticky" : "non-sticky");
        }
        catch (Exception x)
        {
            users = 0;
            shutdown();
            throw x;
        }
    }

    /** Flushes pending writes and disconnects after the last user. */
    public synchronized void release()
    {
        if (users == 0 || --users > 0)
            return;
        shutdown();
    }

    private void shutdown()
    {
        stopQuietly(writer);
        stopQuietly(health);
        if (clients != null)
            clients.close();
        writer = null;
        health = null;
        clients = null;
        selector = null;
        replicas = null;
        locks = null;
    }

    private static void stopQuietly(org.eclipse.jetty.util.component.LifeCycle lifeCycle)
    {
        try
        {
            if (lifeCycle != null)
                lifeCycle.stop();
        }
        catch (Exception x)
        {
            LOG.warn("stopping {} failed: {}", lifeCycle, x.toString());
        }
    }

    public MemcachedSessionsConfig config()
    {
        return config;
    }

    public NodeList nodes()
    {
        return nodes;
    }

    public SessionIdFormat idFormat()
    {
        return idFormat;
    }

    public SessionEnvelope envelope()
    {
        return envelope;
    }

    /** The counters; registered over JMX as a bean of their own next to this one. */
    public MemcachedSessionStatistics statistics()
    {
        return statistics;
    }

    public NodeSelector selector()
    {
        return running(selector);
    }

    public NodeHealth health()
    {
        return running(health);
    }

    public SessionReplicas replicas()
    {
        return running(replicas);
    }

    public AsyncSessionWriter writer()
    {
        return running(writer);
    }

    public SessionLocks locks()
    {
        return running(locks);
    }

    public RequestOutcomes outcomes()
    {
        return outcomes;
    }

    /** The running stores, one per context: the request handler finds a request's context among them. */
    public Collection<MemcachedSessionDataStore> stores()
    {
        return stores;
    }

    public void register(MemcachedSessionDataStore store)
    {
        stores.add(store);
    }

    public void unregister(MemcachedSessionDataStore store)
    {
        stores.remove(store);
    }


    private <T> T running(T part)
    {
        if (part == null)
            throw new IllegalStateException("memcached sessions are not started");
        return part;
    }

    @ManagedAttribute("Configured nodes")
    public String getNodes()
    {
        return nodes.toString();
    }

    @ManagedAttribute("Live nodes")
    public String getLiveNodes()
    {
        NodeHealth h = health;
        return h == null ? "" : h.getLiveNodes();
    }

    @ManagedAttribute("Nodes that are down")
    public String getDownNodes()
    {
        NodeHealth h = health;
        return h == null ? "" : h.getDownNodes();
    }
}
