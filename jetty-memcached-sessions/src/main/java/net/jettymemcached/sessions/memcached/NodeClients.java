package net.jettymemcached.sessions.memcached;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import net.jettymemcached.sessions.node.MemcachedNode;
import net.jettymemcached.sessions.node.NodeList;

/** One {@link NodeClient} per configured node, created together and closed together. */
public final class NodeClients implements AutoCloseable
{
    private final Map<String, NodeClient> clients = new LinkedHashMap<>();

    public NodeClients(NodeList nodes, long timeoutMs, String protocol, String username, String password) throws IOException
    {
        try
        {
            for (MemcachedNode node : nodes.nodes())
                clients.put(node.id(), new NodeClient(node, timeoutMs, protocol, username, password));
        }
        catch (IOException | RuntimeException x)
        {
            close();
            throw x;
        }
    }

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
    public void close()
    {
        clients.values().forEach(NodeClient::close);
        clients.clear();
    }
}
