package net.jettymemcached.sessions.id;

/**
 * A well-formed cluster session id: {@code <random>-<nodeId>}, or just {@code <random>} when the single configured
 * node has no id. The browser's cookie adds {@code .<workerName>}; stores only ever see the cluster id.
 *
 * @param random the random part (Jetty's entropy, only {@code [A-Za-z0-9_]})
 * @param nodeId the memcached node holding the primary copy, {@code ""} for the anonymous single node
 */
public record SessionId(String random, String nodeId)
{
    public String clusterId()
    {
        return nodeId.isEmpty() ? random : random + "-" + nodeId;
    }

    /** The same session on another node: the random part never changes, so every Jetty computes the same id. */
    public SessionId onNode(String otherNodeId)
    {
        return new SessionId(random, otherNodeId);
    }

    @Override
    public String toString()
    {
        return clusterId();
    }
}
