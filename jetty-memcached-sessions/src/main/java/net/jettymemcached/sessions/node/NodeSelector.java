package net.jettymemcached.sessions.node;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The placement rules: which node a new session gets, and which live node follows a given one (where backups go
 * and where a session moves when its node dies). Only configured order and liveness are used, so every Jetty that
 * sees the same live nodes makes the same choice.
 */
public final class NodeSelector
{
    private final NodeList nodes;
    private final NodeHealth health;

    public NodeSelector(NodeList nodes, NodeHealth health)
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

    /**
     * A random live regular node; a live failover node only when no regular node is live; when nothing is live, a
     * random regular node (the session then stays in memory until a node comes back, see the id manager).
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

    /** @return the first live node after {@code nodeId} in configured order (wrapping), never {@code nodeId} itself */
    public Optional<MemcachedNode> nextLiveAfter(String nodeId)
    {
        for (MemcachedNode node : nodes.after(nodeId))
        {
            if (health.isLive(node.id()))
                return Optional.of(node);
        }
        return Optional.empty();
    }

    /** @return the live nodes after {@code nodeId} in configured order: where a backup of it may be found */
    public List<MemcachedNode> liveAfter(String nodeId)
    {
        return nodes.after(nodeId).stream().filter(n -> health.isLive(n.id())).toList();
    }

    private static MemcachedNode pick(List<MemcachedNode> candidates)
    {
        return candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
    }
}
