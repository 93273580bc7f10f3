package net.jettymemcached.sessions.id;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import net.jettymemcached.sessions.node.NodeList;

/**
 * Parses and builds session ids for a node list. Anything that is not exactly an id this cluster could have made
 * (unknown node, odd characters, too long or short, extra dashes or dots) parses to null: such ids never become a
 * memcached key.
 */
public final class SessionIdFormat
{
    /** Ids this manager makes have at least this many random characters (Jetty's two random longs). */
    public static final int MIN_RANDOM = 16;
    /** Short enough that keys stay below memcached's 250 bytes with prefix, context and vhost. */
    static final int MAX_RANDOM = 100;

    // Parsing accepts any length from 1: a short id is harmless (it is a valid key that finds nothing), and ids
    // handed in by other code, such as Jetty's conformance tests, stay usable.
    private static final Pattern WITH_NODE = Pattern.compile("([A-Za-z0-9_]{1," + MAX_RANDOM + "})-([A-Za-z0-9_]{1,32})");
    private static final Pattern WITHOUT_NODE = Pattern.compile("[A-Za-z0-9_]{1," + MAX_RANDOM + "}");
    private static final Pattern NOT_RANDOM = Pattern.compile("[^A-Za-z0-9_]");

    private final NodeList nodes;

    public SessionIdFormat(NodeList nodes)
    {
        this.nodes = nodes;
    }

    /** @return the parsed id, or null if {@code clusterId} is not a well-formed id of a configured node */
    public SessionId parse(String clusterId)
    {
        if (clusterId == null || clusterId.length() > MAX_RANDOM + 33)
            return null;
        if (nodes.isAnonymous())
            return WITHOUT_NODE.matcher(clusterId).matches() ? new SessionId(clusterId, "") : null;
        Matcher m = WITH_NODE.matcher(clusterId);
        if (!m.matches() || !nodes.contains(m.group(2)))
            return null;
        return new SessionId(m.group(1), m.group(2));
    }

    /**
     * Builds the random part from Jetty's generated id by keeping only id-safe characters (a worker name may add
     * others) and bounding its length.
     */
    public static String randomPart(String jettyId)
    {
        String random = NOT_RANDOM.matcher(jettyId).replaceAll("");
        if (random.length() > MAX_RANDOM)
            random = random.substring(random.length() - MAX_RANDOM);
        return random;
    }

    /** @return the worker suffix of an extended id ({@code <cluster>.<worker>}), or null if there is none */
    public static String workerOf(String extendedId)
    {
        int dot = extendedId == null ? -1 : extendedId.lastIndexOf('.');
        return dot > 0 ? extendedId.substring(dot + 1) : null;
    }
}
