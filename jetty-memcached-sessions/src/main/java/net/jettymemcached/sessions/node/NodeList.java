package net.jettymemcached.sessions.node;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import net.jettymemcached.sessions.config.InvalidConfigurationException;
import net.jettymemcached.sessions.config.Property;

/**
 * The configured memcached nodes in their configured order, and which of them are failover nodes.
 * <p>
 * The order matters: the backup of a session lives on the next live node after its primary, and a session whose
 * node died moves to that same node, so every Jetty must agree on it.
 * <p>
 * Syntax: {@code n1:host1:11211 n2:host2:11211} (space or comma separated; IPv6 as {@code n1:[::1]:11211}), or a
 * single {@code host:port} without id, in which case session ids carry no node and there is no backup.
 */
public final class NodeList
{
    public static final String NODES_PROPERTY = Property.NODES.key();
    public static final String FAILOVER_NODES_PROPERTY = Property.FAILOVER_NODES.key();

    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9_]{1,32}");
    private static final Pattern WITH_ID = Pattern.compile("([^:\\[\\]]+):(\\[[0-9A-Fa-f:.%a-zA-Z]+\\]|[^:\\[\\]]+):([^:]+)");
    private static final Pattern WITHOUT_ID = Pattern.compile("(\\[[0-9A-Fa-f:.%a-zA-Z]+\\]|[^:\\[\\]]+):([^:]+)");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.%a-zA-Z]+\\]");

    private final List<MemcachedNode> nodes;
    private final Map<String, MemcachedNode> byId;
    private final Set<String> failoverIds;

    private NodeList(List<MemcachedNode> nodes, Set<String> failoverIds)
    {
        this.nodes = List.copyOf(nodes);
        Map<String, MemcachedNode> map = new LinkedHashMap<>();
        for (MemcachedNode node : nodes)
            map.put(node.id(), node);
        this.byId = Collections.unmodifiableMap(map);
        this.failoverIds = Set.copyOf(failoverIds);
    }

    /**
     * @param nodes         the value of {@link #NODES_PROPERTY}
     * @param failoverNodes the value of {@link #FAILOVER_NODES_PROPERTY}, may be null or blank
     * @throws InvalidConfigurationException naming the property and the bad value
     */
    public static NodeList parse(String nodes, String failoverNodes)
    {
        List<String> entries = split(nodes);
        if (entries.isEmpty())
            throw new InvalidConfigurationException(NODES_PROPERTY, nodes, "no memcached node configured (expected e.g. n1:localhost:11211)");

        List<MemcachedNode> parsed = new ArrayList<>();
        if (entries.size() == 1 && WITHOUT_ID.matcher(entries.get(0)).matches() && !WITH_ID.matcher(entries.get(0)).matches())
        {
            Matcher m = WITHOUT_ID.matcher(entries.get(0));
            m.matches();
            parsed.add(new MemcachedNode("", host(m.group(1), nodes), port(m.group(2), nodes)));
        }
        else
        {
            for (String entry : entries)
                parsed.add(parseWithId(entry, nodes));
        }

        Set<String> ids = new java.util.HashSet<>();
        Set<String> addresses = new java.util.HashSet<>();
        for (MemcachedNode node : parsed)
        {
            if (!ids.add(node.id()))
                throw new InvalidConfigurationException(NODES_PROPERTY, nodes, "node id '" + node.id() + "' is used twice");
            if (!addresses.add(node.hostAndPort()))
                throw new InvalidConfigurationException(NODES_PROPERTY, nodes, "address " + node.hostAndPort() + " is listed twice");
        }

        Set<String> failover = new java.util.LinkedHashSet<>(split(failoverNodes));
        for (String id : failover)
        {
            if (!ids.contains(id))
                throw new InvalidConfigurationException(FAILOVER_NODES_PROPERTY, failoverNodes,
                    "unknown node id '" + id + "' (configured nodes: " + String.join(", ", ids) + ")");
        }
        if (!failover.isEmpty() && failover.size() == parsed.size())
            throw new InvalidConfigurationException(FAILOVER_NODES_PROPERTY, failoverNodes, "every node is a failover node; at least one must be a regular node");
        return new NodeList(parsed, failover);
    }

    private static MemcachedNode parseWithId(String entry, String all)
    {
        Matcher m = WITH_ID.matcher(entry);
        if (!m.matches())
            throw new InvalidConfigurationException(NODES_PROPERTY, all, "malformed node '" + entry + "' (expected id:host:port, e.g. n1:localhost:11211 or n1:[::1]:11211)");
        String id = m.group(1);
        if (!NODE_ID.matcher(id).matches())
            throw new InvalidConfigurationException(NODES_PROPERTY, all, "bad node id '" + id + "' in '" + entry + "' (allowed: letters, digits and _, at most 32)");
        return new MemcachedNode(id, host(m.group(2), all), port(m.group(3), all));
    }

    private static String host(String host, String all)
    {
        if (!HOST.matcher(host).matches())
            throw new InvalidConfigurationException(NODES_PROPERTY, all, "bad host '" + host + "'");
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    private static int port(String port, String all)
    {
        try
        {
            int p = Integer.parseInt(port);
            if (p >= 1 && p <= 65535)
                return p;
        }
        catch (NumberFormatException ignored)
        {
            // reported below
        }
        throw new InvalidConfigurationException(NODES_PROPERTY, all, "bad port '" + port + "' (expected 1-65535; nodes are written id:host:port, e.g. n1:localhost:11211)");
    }

    private static List<String> split(String value)
    {
        List<String> result = new ArrayList<>();
        if (value == null)
            return result;
        for (String part : value.trim().split("[\\s,]+"))
        {
            if (!part.isEmpty())
                result.add(part);
        }
        return result;
    }

    /** @return the nodes in configured order */
    public List<MemcachedNode> nodes()
    {
        return nodes;
    }

    public int size()
    {
        return nodes.size();
    }

    /** @return true for a single node configured without id: ids carry no node, there is no backup */
    public boolean isAnonymous()
    {
        return nodes.size() == 1 && nodes.get(0).id().isEmpty();
    }

    public MemcachedNode node(String id)
    {
        return byId.get(id);
    }

    public boolean contains(String id)
    {
        return byId.containsKey(id);
    }

    public boolean isFailover(String id)
    {
        return failoverIds.contains(id);
    }

    /**
     * @return the nodes after {@code id} in configured order, wrapping around, without {@code id} itself
     */
    public List<MemcachedNode> after(String id)
    {
        MemcachedNode node = byId.get(id);
        if (node == null || isAnonymous())
            return List.of();
        int index = nodes.indexOf(node);
        List<MemcachedNode> result = new ArrayList<>(nodes.size());
        for (int i = 1; i < nodes.size(); i++)
            result.add(nodes.get((index + i) % nodes.size()));
        return result;
    }

    @Override
    public String toString()
    {
        return nodes + (failoverIds.isEmpty() ? "" : " failover=" + failoverIds);
    }
}
