package net.jettymemcached.it.harness;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Nodes {@code n1..nN}, each its own memcached process. */
public final class MemcachedNodes implements AutoCloseable
{
    private final List<MemcachedServer> servers = new ArrayList<>();

    public static MemcachedNodes start(int count) throws IOException
    {
        MemcachedNodes nodes = new MemcachedNodes();
        try
        {
            for (int i = 1; i <= count; i++)
                nodes.servers.add(MemcachedServer.start("n" + i));
            return nodes;
        }
        catch (IOException | RuntimeException x)
        {
            nodes.close();
            throw x;
        }
    }

    /** The value for {@code jetty.session.memcached.nodes}, in order n1..nN. */
    public String spec()
    {
        return servers.stream().map(MemcachedServer::spec).collect(Collectors.joining(" "));
    }

    public MemcachedServer node(String id)
    {
        return servers.stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow(() -> new IllegalArgumentException("no node " + id));
    }

    @Override
    public void close()
    {
        servers.forEach(MemcachedServer::close);
    }

    @Override
    public String toString()
    {
        return servers.toString();
    }
}
