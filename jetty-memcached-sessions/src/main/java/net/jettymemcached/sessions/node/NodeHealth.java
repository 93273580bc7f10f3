package net.jettymemcached.sessions.node;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.eclipse.jetty.util.annotation.ManagedAttribute;
import org.eclipse.jetty.util.annotation.ManagedObject;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which nodes are live. Requests only read this in-memory state and never wait for a probe: a failed operation marks
 * a node down at once, and a background thread re-probes every node at a fixed interval so that a node that comes
 * back is used again. Every change of state is logged once, so a dead node does not flood the log.
 */
@ManagedObject("Liveness of the memcached nodes")
public class NodeHealth extends AbstractLifeCycle
{
    private static final Logger LOG = LoggerFactory.getLogger(NodeHealth.class);

    private final NodeList nodes;
    private final NodeProbe probe;
    private final long probeIntervalMs;
    private final long startupWaitMs;
    private final Map<String, AtomicBoolean> live = new ConcurrentHashMap<>();
    private ScheduledExecutorService prober;

    public NodeHealth(NodeList nodes, NodeProbe probe, long probeIntervalMs, long startupWaitMs)
    {
        this.nodes = nodes;
        this.probe = probe;
        this.probeIntervalMs = probeIntervalMs;
        this.startupWaitMs = startupWaitMs;
        for (MemcachedNode node : nodes.nodes())
            live.put(node.id(), new AtomicBoolean(false));
    }

    @Override
    protected void doStart() throws Exception
    {
        awaitConnections();
        for (MemcachedNode node : nodes.nodes())
        {
            if (!isLive(node.id()))
                LOG.warn("memcached node {} is down at start-up; sessions go to the other nodes until it answers", node);
        }
        prober = Executors.newSingleThreadScheduledExecutor(r ->
        {
            Thread thread = new Thread(r, "memcached-sessions-probe");
            thread.setDaemon(true);
            return thread;
        });
        prober.scheduleWithFixedDelay(this::probeAllQuietly, probeIntervalMs, probeIntervalMs, TimeUnit.MILLISECONDS);
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception
    {
        prober.shutdownNow();
        prober.awaitTermination(5, TimeUnit.SECONDS);
        prober = null;
        super.doStop();
    }

    /** Connections open asynchronously: give every node up to the start-up wait to answer its first probe. */
    private void awaitConnections() throws InterruptedException
    {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(startupWaitMs);
        for (MemcachedNode node : nodes.nodes())
        {
            while (!probe.probe(node) && System.nanoTime() < deadline)
                Thread.sleep(10);
            if (probe.probe(node))
                markUp(node.id());
        }
    }

    private void probeAllQuietly()
    {
        try
        {
            probeAll();
        }
        catch (Throwable x)
        {
            LOG.warn("memcached node probe failed: {}", x.toString());
        }
    }

    /** Probes every node now and records the result. */
    public void probeAll()
    {
        for (MemcachedNode node : nodes.nodes())
        {
            if (probe.probe(node))
                markUp(node.id());
            else
                markDown(node.id(), "no answer to probe");
        }
    }

    public boolean isLive(String nodeId)
    {
        AtomicBoolean state = live.get(nodeId);
        return state != null && state.get();
    }

    public void markUp(String nodeId)
    {
        AtomicBoolean state = live.get(nodeId);
        if (state != null && state.compareAndSet(false, true))
            LOG.info("memcached node {} is up", nodes.node(nodeId));
    }

    public void markDown(String nodeId, String reason)
    {
        AtomicBoolean state = live.get(nodeId);
        if (state != null && state.compareAndSet(true, false))
            LOG.warn("memcached node {} is down: {}", nodes.node(nodeId), reason);
    }

    public List<MemcachedNode> liveNodes()
    {
        return nodes.nodes().stream().filter(n -> isLive(n.id())).toList();
    }

    @ManagedAttribute("Node ids currently live")
    public String getLiveNodes()
    {
        return String.join(" ", liveNodes().stream().map(MemcachedNode::id).toList());
    }

    @ManagedAttribute("Node ids currently down")
    public String getDownNodes()
    {
        return String.join(" ", nodes.nodes().stream().filter(n -> !isLive(n.id())).map(MemcachedNode::id).toList());
    }
}
