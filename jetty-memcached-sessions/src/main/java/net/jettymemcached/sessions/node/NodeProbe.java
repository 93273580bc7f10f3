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

    /**
     * @return why the node did not answer its probe, for the log and JMX: the client may know better than "no
     * answer" (a node that refused the login answers, but nothing can be stored there)
     */
    default String downReason(MemcachedNode node)
    {
        return "no answer to probe";
    }
}
