package net.jettymemcached.sessions.node;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.jetty.util.annotation.ManagedAttribute;
import org.eclipse.jetty.util.annotation.ManagedObject;
import org.eclipse.jetty.util.component.ContainerLifeCycle;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.eclipse.jetty.util.NanoTime;

/**
 * Which nodes are live. Requests only read this in-memory state and never wait for a probe: a failed operation marks
 * a node down at once, and a probe round every interval re-checks every node so that a node that comes back is used
 * again. Every change of state is logged once, so a dead node does not flood the log; why a node is down is kept
 * (the latest reason, e.g. a refused login rather than the lost connection that preceded it) and shown over JMX.
 * <p>
 * As Jetty's {@code HouseKeeper} does, it borrows the server's {@link Scheduler} when given one and stops only a
 * scheduler it made itself. A probe round can wait up to the operation timeout for a paused node, so it runs on the
 * given executor (the server's thread pool), never on the shared scheduler thread.
 */
@ManagedObject("Liveness of the memcached nodes")
public class NodeHealth extends ContainerLifeCycle
{
    private static final Logger LOG = LoggerFactory.getLogger(NodeHealth.class);

    private final NodeList nodes;
    private final NodeProbe probe;
    private final Duration probeInterval;
    private final Duration startupWait;
    private final Map<String, AtomicBoolean> live = new ConcurrentHashMap<>();
    private final Map<String, String> downReasons = new ConcurrentHashMap<>();
    private Scheduler scheduler;
    private Executor executor;
    private ScheduledExecutorScheduler ownScheduler;
    private volatile Scheduler.Task nextRound;
    /** Counts starts: a round still running from before a stop never schedules the next one after a restart. */
    private final AtomicLong generation = new AtomicLong();
    private final List<Consumer<MemcachedNode>> upListeners = new CopyOnWriteArrayList<>();

    public NodeHealth(NodeList nodes, NodeProbe probe, Duration probeInterval, Duration startupWait)
    {
        this.nodes = nodes;
        this.probe = probe;
        this.probeInterval = probeInterval;
        this.startupWait = startupWait;
        for (MemcachedNode node : nodes.reachable())
            live.put(node.id(), new AtomicBoolean(false));
    }

    /** @param scheduler the server's scheduler, or null to make one; set before start */
    public void setScheduler(Scheduler scheduler)
    {
        this.scheduler = scheduler;
    }

    /** @param executor runs the probe rounds (the server's thread pool), or null to run them on the scheduler */
    public void setExecutor(Executor executor)
    {
        this.executor = executor;
    }

    @Override
    protected void doStart() throws Exception
    {
        if (scheduler == null)
        {
            ownScheduler = new ScheduledExecutorScheduler("memcached-sessions-probe", true);
            addBean(ownScheduler, true);
            scheduler = ownScheduler;
        }
        super.doStart();
        awaitConnections();
        for (MemcachedNode node : nodes.reachable())
        {
            if (!isLive(node.id()))
            {
                String reason = probe.downReason(node);
                downReasons.put(node.id(), reason);
                LOG.warn("memcached node {} is down at start-up: {}; sessions go to the other nodes until it answers", node, reason);
            }
        }
        scheduleRound(generation.incrementAndGet());
    }

    @Override
    protected void doStop() throws Exception
    {
        generation.incrementAndGet();
        Scheduler.Task task = nextRound;
        if (task != null)
            task.cancel();
        nextRound = null;
        super.doStop();
        if (ownScheduler != null)
        {
            removeBean(ownScheduler);
            ownScheduler = null;
            scheduler = null;
        }
    }

    private void scheduleRound(long round)
    {
        if ((isStarting() || isRunning()) && generation.get() == round)
            nextRound = scheduler.schedule(() -> startRound(round), probeInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void startRound(long generationOfRound)
    {
        Runnable round = () ->
        {
            if (!isRunning() || generation.get() != generationOfRound)
                return;
            probeAllQuietly(generationOfRound);
            scheduleRound(generationOfRound);
        };
        try
        {
            if (executor == null)
                round.run();
            else
                executor.execute(round);
        }
        catch (RejectedExecutionException x)
        {
            LOG.debug("probe round not run: the executor is stopping");
        }
    }

    /** Connections open asynchronously: give every node up to the start-up wait to answer its first probe. */
    private void awaitConnections() throws InterruptedException
    {
        long deadline = NanoTime.now() + startupWait.toNanos();
        for (MemcachedNode node : nodes.reachable())
        {
            while (!probe.probe(node) && NanoTime.isBefore(NanoTime.now(), deadline))
                Thread.sleep(10);
            if (probe.probe(node))
                markUp(node.id());
        }
    }

    private void probeAllQuietly(long generationOfRound)
    {
        try
        {
            probe(generationOfRound);
        }
        catch (Throwable x)
        {
            LOG.warn("memcached node probe failed: {}", x.toString());
        }
    }

    /** Probes every node now and records the result. */
    public void probeAll()
    {
        probe(generation.get());
    }

    private void probe(long generationOfRound)
    {
        for (MemcachedNode node : nodes.reachable())
        {
            boolean answered = probe.probe(node);
            // Stopping closes the clients under a running round: its answers say nothing about the nodes.
            if (generation.get() != generationOfRound)
                return;
            if (answered)
                markUp(node.id());
            else
                markDown(node.id(), probe.downReason(node));
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
        {
            downReasons.remove(nodeId);
            LOG.info("memcached node {} is up", nodes.node(nodeId));
            for (Consumer<MemcachedNode> listener : upListeners)
            {
                try
                {
                    listener.accept(nodes.node(nodeId));
                }
                catch (RuntimeException x)
                {
                    LOG.warn("node-up listener failed for {}", nodeId, x);
                }
            }
        }
    }

    /** @param listener told (on the probe's thread) each time a node that was down answers again */
    public void addUpListener(Consumer<MemcachedNode> listener)
    {
        upListeners.add(listener);
    }

    /** Logged when the node was live; a node already down keeps the latest reason, unlogged. */
    public void markDown(String nodeId, String reason)
    {
        AtomicBoolean state = live.get(nodeId);
        if (state == null)
            return;
        downReasons.put(nodeId, reason);
        if (state.compareAndSet(true, false))
            LOG.warn("memcached node {} is down: {}", nodes.node(nodeId), reason);
    }

    /** @return why the node is down (the latest reason seen), or null while it is live */
    public String downReason(String nodeId)
    {
        return isLive(nodeId) ? null : downReasons.get(nodeId);
    }

    public List<MemcachedNode> liveNodes()
    {
        return nodes.reachable().stream().filter(n -> isLive(n.id())).toList();
    }

    @ManagedAttribute("Node ids currently live")
    public String getLiveNodes()
    {
        return String.join(" ", liveNodes().stream().map(MemcachedNode::id).toList());
    }

    @ManagedAttribute("Node ids currently down")
    public String getDownNodes()
    {
        return String.join(" ", nodes.reachable().stream().filter(n -> !isLive(n.id())).map(MemcachedNode::id).toList());
    }

    @ManagedAttribute("Why each down node is down, as 'id: reason' (e.g. its SASL login was refused)")
    public String[] getDownReasons()
    {
        return nodes.reachable().stream().filter(n -> !isLive(n.id()))
            .map(n -> n.id() + ": " + downReasons.getOrDefault(n.id(), "not answered yet")).toArray(String[]::new);
    }

    @Override
    public String toString()
    {
        return String.format("%s@%x{%s, live=[%s], down=[%s]}", getClass().getSimpleName(), hashCode(), getState(), getLiveNodes(), getDownNodes());
    }
}
