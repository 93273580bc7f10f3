package net.jettymemcached.sessions.node;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One configured memcached server: the id that session ids carry, and where it listens.
 *
 * @param id   the node id as written in session ids ({@code [A-Za-z0-9_]+}), or {@code ""} for the single anonymous node
 * @param host host name or IP literal (IPv6 without brackets)
 * @param port TCP port
 */
public record MemcachedNode(String id, String host, int port)
{
    public MemcachedNode
    {
        Objects.requireNonNull(id);
        Objects.requireNonNull(host);
    }

    /** A node this Jetty knows only by its id (removed or retired without address): never live, never connected. */
    public static MemcachedNode withoutAddress(String id)
    {
        return new MemcachedNode(id, "", 0);
    }

    /** @return false for a node known only by its id */
    public boolean hasAddress()
    {
        return port != 0;
    }

    public InetSocketAddress socketAddress()
    {
        return new InetSocketAddress(host, port);
    }

    /** {@code host:port}, with IPv6 literals in brackets. */
    public String hostAndPort()
    {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString()
    {
        return id.isEmpty() ? hostAndPort() : id + " (" + (hasAddress() ? hostAndPort() : "no address") + ")";
    }
}
