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
 * The configured memcached nodes in their configured order, which of them are failover nodes, and the retired ones.
 * <p>
 * The order matters: the backup of a session lives on the next live node after its primary, and a session whose
 * node died moves to that same node, so every Jetty must agree on it.
 * <p>
 * Syntax: {@code n1:host1:11211 n2:host2:11211} (space or comma separated; IPv6 as {@code n1:[::1]:11211}), or a
 * single {@code host:port} without id, in which case session ids carry no node and there is no backup.
 * <p>
 * A node that is not in the list any more (removed, or {@code retiredNodes}) gets no session and no backup; a session
 * whose id names it moves off it on its next request. A retired node listed with its address ({@code n2:host:11211})
 * is still connected, read and given tombstones, so that its sessions leave it without loss and a Jetty that still
 * has it in its list sees where they went; without an address, or not listed at all, its sessions are read from
 * their backups on the configured nodes (where they may be is not known: every configured node is asked).
 */
public final class NodeList
{
    public static final String NODES_PROPERTY = Property.NODES.key();
    public static final String FAILOVER_NODES_PROPERTY = Property.FAILOVER_NODES.key();
    public static final String RETIRED_NODES_PROPERTY = Property.RETIRED_NODES.key();

    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9_]{1,32}");
    private static final Pattern WITH_ID = Pattern.compile("([^:\\[\\]]+):(\\[[0-9A-Fa-f:.%a-zA-Z]+\\]|[^:\\[\\]]+):([^:]+)");
    private static final Pattern WITHOUT_ID = Pattern.compile("(\\[[0-9A-Fa-f:.%a-zA-Z]+\\]|[^:\\[\\]]+):([^:]+)");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.%a-zA-Z]+\\]");

    private final List<MemcachedNode> nodes;
    private final Map<String, MemcachedNode> byId;
    private final Set<String> failoverIds;
    /** Retired nodes with an address, still connected. */
    private final List<MemcachedNode> retired;
    private final Map<String, MemcachedNode> retiredById;
    private final Set<String> retiredIds;

    private NodeList(List<MemcachedNode> nodes, Set<String> failoverIds, List<MemcachedNode> retired, Set<String> retiredIds)
    {
        this.nodes = List.copyOf(nodes);
        this.byId = byId(nodes);
        this.failoverIds = Set.copyOf(failoverIds);
        this.retired = List.copyOf(retired);
        this.retiredById = byId(retired);
        this.retiredIds = Set.copyOf(retiredIds);
    }

    private static Map<String, MemcachedNode> byId(List<MemcachedNode> nodes)
    {
        Map<String, MemcachedNode> map = new LinkedHashMap<>();
        for (MemcachedNode node : nodes)
            map.put(node.id(), node);
        return Collections.unmodifiableMap(map);
    }

    /** As {@link #parse(String, String, String)} without retired nodes. */
    public static NodeList parse(String nodes, String failoverNodes)
    {
        return parse(nodes, failoverNodes, "");
    }

    /**
     * @param nodes         the value of {@link #NODES_PROPERTY}
     * @param failoverNodes the value of {@link #FAILOVER_NODES_PROPERTY}, may be null or blank
     * @param retiredNodes  the value of {@link #RETIRED_NODES_PROPERTY}: ids, or {@code id:host:port}; may be null or blank
     * @throws InvalidConfigurationException naming the property and the bad value
     */
    public static NodeList parse(String nodes, String failoverNodes, String retiredNodes)
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
        List<MemcachedNode> retired = new ArrayList<>();
        Set<String> retiredIds = new java.util.LinkedHashSet<>();
        for (String entry : split(retiredNodes))
        {
            if (parsed.size() == 1 && parsed.get(0).id().isEmpty())
                throw new InvalidConfigurationException(RETIRED_NODES_PROPERTY, retiredNodes, "retired nodes need nodes with ids (the single node without id has no sessions to hand over)");
            String id = entry.indexOf(':') < 0 ? entry : null;
            if (id != null && !NODE_ID.matcher(id).matches())
                throw new InvalidConfigurationException(RETIRED_NODES_PROPERTY, retiredNodes, "bad node id '" + id + "' (allowed: letters, digits and _, at most 32)");
            MemcachedNode node = id == null ? parseWithId(entry, retiredNodes, RETIRED_NODES_PROPERTY) : null;
            id = node == null ? id : node.id();
            if (ids.contains(id))
                throw new InvalidConfigurationException(RETIRED_NODES_PROPERTY, retiredNodes, "node id '" + id + "' is also in " + NODES_PROPERTY + " (a node is either used or retired)");
            if (!retiredIds.add(id))
                throw new InvalidConfigurationException(RETIRED_NODES_PROPERTY, retiredNodes, "node id '" + id + "' is listed twice");
            if (node != null && !addresses.add(node.hostAndPort()))
                throw new InvalidConfigurationException(RETIRED_NODES_PROPERTY, retiredNodes, "address " + node.hostAndPort() + " is listed twice (a node is either used or retired)");
            if (node != null)
                retired.add(node);
        }
        return new NodeList(parsed, failover, retired, retiredIds);
    }

    private static MemcachedNode parseWithId(String entry, String all)
    {
        return parseWithId(entry, all, NODES_PROPERTY);
    }

    private static MemcachedNode parseWithId(String entry, String all, String property)
    {
        Matcher m = WITH_ID.matcher(entry);
        if (!m.matches())
            throw new InvalidConfigurationException(property, all, "malformed node '" + entry + "' (expected id:host:port, e.g. n1:localhost:11211 or n1:[::1]:11211)");
        String id = m.group(1);
        if (!NODE_ID.matcher(id).matches())
            throw new InvalidConfigurationException(property, all, "bad node id '" + id + "' in '" + entry + "' (allowed: letters, digits and _, at most 32)");
        return new MemcachedNode(id, host(m.group(2), all, property), port(m.group(3), all, property));
    }

    private static String host(String host, String all)
    {
        return host(host, all, NODES_PROPERTY);
    }

    private static String host(String host, String all, String property)
    {
        if (!HOST.matcher(host).matches())
            throw new InvalidConfigurationException(property, all, "bad host '" + host + "'");
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    private static int port(String port, String all)
    {
        return port(port, all, NODES_PROPERTY);
    }

    private static int port(String port, String all, String property)
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
        throw new InvalidConfigurationException(property, all, "bad port '" + port + "' (expected 1-65535; nodes are written id:host:port, e.g. n1:localhost:11211)");
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

    /** @return the nodes in configured order: those sessions and backups are placed on */
    public List<MemcachedNode> nodes()
    {
        return nodes;
    }

    /** @return the nodes this Jetty connects to: the configured ones, then the retired ones listed with an address */
    public List<MemcachedNode> reachable()
    {
        if (retired.isEmpty())
            return nodes;
        List<MemcachedNode> all = new ArrayList<>(nodes);
        all.addAll(retired);
        return all;
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

    /** @return the configured or retired node of that id, null if there is none with an address */
    public MemcachedNode node(String id)
    {
        MemcachedNode node = byId.get(id);
        return node != null ? node : retiredById.get(id);
    }

    /**
     * @return the node of that id; for a node this Jetty has no address of (removed or retired without one), one
     * without address that is never live
     */
    public MemcachedNode nodeOrUnknown(String id)
    {
        MemcachedNode node = node(id);
        return node != null ? node : MemcachedNode.withoutAddress(id);
    }

    /** @return true if sessions and backups are placed on that node (it is in {@code nodes}) */
    public boolean contains(String id)
    {
        return byId.containsKey(id);
    }

    /** @return true if that node is listed in {@code retiredNodes} (with or without address) */
    public boolean isRetired(String id)
    {
        return retiredIds.contains(id);
    }

    public boolean isFailover(String id)
    {
        return failoverIds.contains(id);
    }

    /**
     * @return the nodes after {@code id} in configured order, wrapping around, without {@code id} itself; for a node
     * that is not configured (retired, removed) every configured node, in order: its backups may be on any of them
     */
    public List<MemcachedNode> after(String id)
    {
        if (isAnonymous())
            return List.of();
        MemcachedNode node = byId.get(id);
        if (node == null)
            return nodes;
        int index = nodes.indexOf(node);
        List<MemcachedNode> result = new ArrayList<>(nodes.size());
        for (int i = 1; i < nodes.size(); i++)
            result.add(nodes.get((index + i) % nodes.size()));
        return result;
    }

    @Override
    public String toString()
    {
        return nodes + (failoverIds.isEmpty() ? "" : " failover=" + failoverIds) + (retiredIds.isEmpty() ? "" : " retired=" + retiredIds);
    }
}
