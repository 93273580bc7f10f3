package net.jettymemcached.sessions.memcached;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import net.jettymemcached.sessions.node.MemcachedNode;
import net.jettymemcached.sessions.node.NodeList;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.component.Dumpable;

/**
 * One {@link NodeClient} per configured node: connected when started, closed (with every spymemcached thread) when
 * stopped.
 */
public final class NodeClients extends AbstractLifeCycle implements Dumpable
{
    /** Opens the client of one node: {@code NodeClient::new}, or a client that injects faults in tests. */
    @FunctionalInterface
    public interface Connector
    {
        NodeClient connect(MemcachedNode node, long timeoutMs, Protocol protocol, String username, String password) throws java.io.IOException;
    }

    private final NodeList nodes;
    private final Duration timeout;
    private final Protocol protocol;
    private final String username;
    private final String password;
    private final Connector connector;
    private volatile Map<String, NodeClient> clients = Map.of();

    /** @param username SASL PLAIN user (binary protocol only), or empty */
    public NodeClients(NodeList nodes, Duration timeout, Protocol protocol, String username, String password)
    {
        this(nodes, timeout, protocol, username, password, NodeClient::new);
    }

    public NodeClients(NodeList nodes, Duration timeout, Protocol protocol, String username, String password, Connector connector)
    {
        this.connector = connector;
        this.nodes = nodes;
        this.timeout = timeout;
        this.protocol = protocol;
        this.username = username;
        this.password = password;
    }

    @Override
    protected void doStart() throws Exception
    {
        Map<String, NodeClient> connected = new LinkedHashMap<>();
        try
        {
            for (MemcachedNode node : nodes.nodes())
                connected.put(node.id(), connector.connect(node, timeout.toMillis(), protocol, username, password));
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

    public boolean probe(MemcachedNode node)
    {
        NodeClient client = clients.get(node.id());
        return client != null && client.probe();
    }

    @Override
    public void dump(Appendable out, String indent) throws java.io.IOException
    {
        Dumpable.dumpObjects(out, indent, this, clients.values().toArray());
    }

    @Override
    public String toString()
    {
        return String.format("%s@%x{%s, %s, %d clients}", getClass().getSimpleName(), hashCode(), getState(), protocol.name().toLowerCase(java.util.Locale.ROOT), clients.size());
    }
}
