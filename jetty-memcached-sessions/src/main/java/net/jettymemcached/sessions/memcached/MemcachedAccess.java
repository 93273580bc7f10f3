package net.jettymemcached.sessions.memcached;

import net.jettymemcached.sessions.node.MemcachedNode;
import net.jettymemcached.sessions.node.NodeHealth;

/**
 * Memcached operations addressed to a node, aware of liveness: an operation on a node known to be down fails at once
 * without network traffic, and an operation that finds a node unavailable marks it down.
 */
public final class MemcachedAccess
{
    private final NodeClients clients;
    private final NodeHealth health;

    public MemcachedAccess(NodeClients clients, NodeHealth health)
    {
        this.clients = clients;
        this.health = health;
    }

    public byte[] get(MemcachedNode node, String key) throws NodeUnavailableException
    {
        try
        {
            return live(node).get(key);
        }
        catch (NodeUnavailableException x)
        {
            return failed(node, x);
        }
    }

    public Fetched gets(MemcachedNode node, String key) throws NodeUnavailableException
    {
        try
        {
            return live(node).gets(key);
        }
        catch (NodeUnavailableException x)
        {
            return failed(node, x);
        }
    }

    /** Sends a {@code gets} whose answer is awaited later (a node found unavailable then is marked down). */
    public Pending<Fetched> getsAsync(MemcachedNode node, String key)
    {
        try
        {
            return live(node).getsAsync(key).onFailure(x -> health.markDown(node.id(), x.getMessage()));
        }
        catch (NodeUnavailableException x)
        {
            return Pending.failed(x);
        }
    }

    /** Sends the request of {@link #stamp} whose answer is awaited later. */
    public Pending<Stamp> stampAsync(MemcachedNode node, String key)
    {
        try
        {
            return live(node).stampAsync(key).onFailure(x -> health.markDown(node.id(), x.getMessage()));
        }
        catch (NodeUnavailableException x)
        {
            return Pending.failed(x);
        }
    }

    public Stamp stamp(MemcachedNode node, String key) throws NodeUnavailableException
    {
        try
        {
            return live(node).stamp(key);
        }
        catch (NodeUnavailableException x)
        {
            return failed(node, x);
        }
    }

    public void set(MemcachedNode node, String key, int ttl, Item item) throws MemcachedAccessException
    {
        try
        {
            live(node).set(key, ttl, item);
        }
        catch (NodeUnavailableException x)
        {
            failed(node, x);
        }
    }

    public boolean add(MemcachedNode node, String key, int ttl, Item item) throws MemcachedAccessException
    {
        try
        {
            return live(node).add(key, ttl, item);
        }
        catch (NodeUnavailableException x)
        {
            return failed(node, x);
        }
    }

    public CasOutcome cas(MemcachedNode node, String key, long cas, int ttl, Item item) throws MemcachedAccessException
    {
        try
        {
            return live(node).cas(key, cas, ttl, item);
        }
        catch (NodeUnavailableException x)
        {
            return failed(node, x);
        }
    }

    /** A CAS write or an add that tells the new CAS unique ({@link NodeClient#store}). */
    public NodeClient.Stored store(MemcachedNode node, String key, long cas, int ttl, Item item) throws MemcachedAccessException
    {
        try
        {
            return live(node).store(key, cas, ttl, item);
        }
        catch (NodeUnavailableException x)
        {
            return failed(node, x);
        }
    }

    /** Deletes the item only if unchanged since {@code cas} was read ({@link NodeClient#deleteIfUnchanged}). */
    public CasOutcome deleteIfUnchanged(MemcachedNode node, String key, long cas) throws MemcachedAccessException
    {
        try
        {
            return live(node).deleteIfUnchanged(key, cas);
        }
        catch (NodeUnavailableException x)
        {
            return failed(node, x);
        }
    }

    public boolean append(MemcachedNode node, String key, byte[] value) throws NodeUnavailableException
    {
        try
        {
            return live(node).append(key, value);
        }
        catch (NodeUnavailableException x)
        {
            return failed(node, x);
        }
    }

    public boolean delete(MemcachedNode node, String key) throws NodeUnavailableException
    {
        try
        {
            return live(node).delete(key);
        }
        catch (NodeUnavailableException x)
        {
            return failed(node, x);
        }
    }

    /** @return true if the node answers a small read now; false (and marked down) if it does not */
    public boolean ping(MemcachedNode node)
    {
        try
        {
            NodeClient client = live(node);
            if (client.probe())
                return true;
            String refusal = client.loginRefusal();
            health.markDown(node.id(), refusal == null ? "no answer to a probe" : refusal);
        }
        catch (NodeUnavailableException x)
        {
            return false;
        }
        return false;
    }

    private NodeClient live(MemcachedNode node) throws NodeUnavailableException
    {
        if (!health.isLive(node.id()))
            throw new NodeUnavailableException("memcached node " + node + " is down");
        NodeClient client = clients.client(node);
        if (client == null)
            throw new NodeUnavailableException("memcached sessions are stopped: no client for node " + node);
        return client;
    }

    private <T> T failed(MemcachedNode node, NodeUnavailableException x) throws NodeUnavailableException
    {
        health.markDown(node.id(), x.getMessage());
        throw x;
    }
}
