package net.jettymemcached.sessions.replication;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import net.jettymemcached.sessions.id.SessionId;
import net.jettymemcached.sessions.node.MemcachedNode;
import net.jettymemcached.sessions.node.NodeHealth;
import net.jettymemcached.sessions.node.NodeList;

/**
 * Where a session's copies live: the one answer to every "where" (spec §3.1, §3.3). The primary copy is on the node
 * named in the id; the backup on the first live node after it in configured order; a session whose node is down
 * lives, from its next request on, on that same next live node (its live home: same random part, every Jetty
 * computes the same id); its lock is on its primary node; a new session goes to a random live regular node, failover
 * nodes only when no regular node is live. Only configured order and liveness are used, so every Jetty that sees the
 * same live nodes makes the same choice.
 */
public final class Placement
{
    private final NodeList nodes;
    private final NodeHealth health;

    public Placement(NodeList nodes, NodeHealth health)
    {
        this.nodes = nodes;
        this.health = health;
    }

    public NodeList nodes()
    {
        return nodes;
    }

    public boolean isLive(String nodeId)
    {
        return health.isLive(nodeId);
    }

    /** @return the node holding the primary copy: the one the id names (one without address if this Jetty has none) */
    public MemcachedNode primary(SessionId id)
    {
        return nodes.nodeOrUnknown(id.nodeId());
    }

    /** @return true if the id's node is one sessions are placed on (not retired, not removed) */
    public boolean isPlaced(SessionId id)
    {
        return id.nodeId().isEmpty() || nodes.contains(id.nodeId());
    }

    /** @return the node the next write puts the backup on; none for a single node without id or when nothing else is live */
    public Optional<MemcachedNode> backup(SessionId id)
    {
        return nextLiveAfter(id.nodeId());
    }

    /**
     * @return the live nodes after the primary in configured order: where a backup of it may be found (the backup
     * moves further on when the node after the primary dies)
     */
    public List<MemcachedNode> backupCandidates(SessionId id)
    {
        return nodes.after(id.nodeId()).stream().filter(n -> health.isLive(n.id())).toList();
    }

    /**
     * @return where the session lives now: the id itself while its node is live and configured (or when no other
     * node is), else the same session on the next live node after its own (for a retired or removed node: the first
     * live configured one)
     */
    public SessionId liveHome(SessionId id)
    {
        if (staysHome(id))
            return id;
        return nextLiveAfter(id.nodeId()).map(node -> id.onNode(node.id())).orElse(id);
    }

    /**
     * As {@link #liveHome(SessionId)}, but a session only moves to a node that answers right now ({@code answers},
     * which marks a node that does not down): with every node failing at once the id does not change for nothing.
     */
    public SessionId liveHome(SessionId id, java.util.function.Predicate<MemcachedNode> answers)
    {
        if (staysHome(id))
            return id;
        for (MemcachedNode node : nodes.after(id.nodeId()))
        {
            if (health.isLive(node.id()) && answers.test(node))
                return id.onNode(node.id());
        }
        return id;
    }

    private boolean staysHome(SessionId id)
    {
        return id.nodeId().isEmpty() || nodes.contains(id.nodeId()) && health.isLive(id.nodeId());
    }

    /** @return the node holding the session's lock: its primary node */
    public MemcachedNode lockNode(SessionId id)
    {
        return primary(id);
    }

    /**
     * A random live regular node; a live failover node only when no regular node is live; when nothing is live, a
     * random regular node (the session then stays in memory until a node comes back).
     */
    public MemcachedNode forNewSession()
    {
        List<MemcachedNode> regular = nodes.nodes().stream().filter(n -> !nodes.isFailover(n.id())).toList();
        List<MemcachedNode> liveRegular = regular.stream().filter(n -> health.isLive(n.id())).toList();
        if (!liveRegular.isEmpty())
            return pick(liveRegular);
        List<MemcachedNode> liveFailover = nodes.nodes().stream().filter(n -> nodes.isFailover(n.id()) && health.isLive(n.id())).toList();
        if (!liveFailover.isEmpty())
            return pick(liveFailover);
        return pick(regular);
    }

    /**
     * @return the first live node after {@code nodeId} in configured order (wrapping), never {@code nodeId} itself;
     * none for the single node without id
     */
    private Optional<MemcachedNode> nextLiveAfter(String nodeId)
    {
        for (MemcachedNode node : nodes.after(nodeId))
        {
            if (health.isLive(node.id()))
                return Optional.of(node);
        }
        return Optional.empty();
    }

    private static MemcachedNode pick(List<MemcachedNode> candidates)
    {
        return candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
    }

    @Override
    public String toString()
    {
        return String.format("%s@%x{%s}", getClass().getSimpleName(), hashCode(), nodes);
    }
}
