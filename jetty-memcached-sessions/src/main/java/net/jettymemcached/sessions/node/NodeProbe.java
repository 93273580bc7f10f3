package net.jettymemcached.sessions.node;

/**
 * Asks one node whether it answers. Kept apart from {@link NodeHealth} so that liveness bookkeeping does not depend
 * on the memcached client.
 */
@FunctionalInterface
public interface NodeProbe
{
    /**
     * @return true if the node answered within the operation timeout
     */
    boolean probe(MemcachedNode node);
}
