package net.jettymemcached.sessions.memcached;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import net.jettymemcached.sessions.node.MemcachedNode;
import net.jettymemcached.sessions.node.NodeList;
import net.jettymemcached.sessions.node.NodeProbe;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.component.Dumpable;

/**
 * One {@link NodeClient} per configured node: connected when started, closed (with every spymemcached thread) when
 * stopped. As the liveness probe, it says why a node fails when its client knows (a refused login).
 */
public final class NodeClients extends AbstractLifeCycle implements Dumpable, NodeProbe
{
    /** Opens the client of one node: {@code NodeClient::new}, or a client that injects faults in tests. */
    @FunctionalInterface
    public interface Connector
    {
        /** @param login the node's SASL login, or null without authentication */
        NodeClient connect(MemcachedNode node, long timeoutMs, Protocol protocol, SaslLogin login) throws java.io.IOException;
    }

    private final NodeList nodes;
    private final Duration timeout;
    private final Protocol protocol;
    private final SaslCredentials sasl;
    private final Runnable loginRefused;
    private final Connector connector;
    private volatile Map<String, NodeClient> clients = Map.of();

    /** Clients without authentication. */
    public NodeClients(NodeList nodes, Duration timeout, Protocol protocol)
    {
        this(nodes, timeout, protocol, null, () -> { }, NodeClient::new);
    }

    /**
     * @param sasl         who logs in to every node (binary protocol only), or null
     * @param loginRefused told of every refused login (counted)
     */
    public NodeClients(NodeList nodes, Duration timeout, Protocol protocol, SaslCredentials sasl, Runnable loginRefused)
    {
        this(nodes, timeout, protocol, sasl, loginRefused, NodeClient::new);
    }

    public NodeClients(NodeList nodes, Duration timeout, Protocol protocol, SaslCredentials sasl, Runnable loginRefused, Connector connector)
    {
        this.connector = connector;
        this.nodes = nodes;
        this.timeout = timeout;
        this.protocol = protocol;
        this.sasl = sasl;
        this.loginRefused = loginRefused;
    }

    @Override
    protected void doStart() throws Exception
    {
        Map<String, NodeClient> connected = new LinkedHashMap<>();
        try
        {
            for (MemcachedNode node : nodes.reachable())
                connected.put(node.id(), connector.connect(node, timeout.toMillis(), protocol, sasl == null ? null : new SaslLogin(node, sasl, loginRefused)));
        }
        catch (Exception x)
        {
            connected.values().forEach(NodeClient::close);
            throw x;
        }
        clients = connected;
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception
    {
        Map<String, NodeClient> open = clients;
        clients = Map.of();
        open.values().forEach(NodeClient::close);
        super.doStop();
    }

    /** @return the node's client, or null when not started */
    public NodeClient client(MemcachedNode node)
    {
        return clients.get(node.id());
    }

    @Override
    public boolean probe(MemcachedNode node)
    {
        NodeClient client = clients.get(node.id());
        return client != null && client.probe();
    }

    @Override
    public String downReason(MemcachedNode node)
    {
        NodeClient client = clients.get(node.id());
        String refusal = client == null ? null : client.loginRefusal();
        return refusal == null ? NodeProbe.super.downReason(node) : refusal;
    }

    @Override
    public void dump(Appendable out, String indent) throws java.io.IOException
    {
        Dumpable.dumpObjects(out, indent, this, clients.values().toArray());
    }

    @Override
    public String toString()
    {
        return String.format("%s@%x{%s, %s%s, %d clients}", getClass().getSimpleName(), hashCode(), getState(), protocol.name().toLowerCase(java.util.Locale.ROOT),
            sasl == null ? "" : ", " + sasl, clients.size());
    }
}
