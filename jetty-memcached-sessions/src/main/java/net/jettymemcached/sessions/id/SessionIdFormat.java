package net.jettymemcached.sessions.id;

import java.util.regex.Pattern;

import net.jettymemcached.sessions.node.NodeList;

/**
 * Parses and builds session ids for a node list. Anything that is not exactly an id this cluster could have made
 * (a node neither configured nor retired, odd characters, too long or short, extra dashes or dots) parses to null:
 * such ids never become a memcached key, so forged ids cost memcached nothing. An id of a retired node parses: its
 * session is looked for where its copies can be (see {@link NodeList}).
 */
public final class SessionIdFormat
{
    /** Ids this manager makes have at least this many random characters (Jetty's two random longs). */
    public static final int MIN_RANDOM = 16;
    /** Short enough that keys stay below memcached's 250 bytes with prefix, context and vhost. */
    static final int MAX_RANDOM = 100;

    // Parsing accepts any length from 1: a short id is harmless (it is a valid key that finds nothing), and ids
    // handed in by other code, such as Jetty's conformance tests, stay usable.
    private static final Pattern NOT_RANDOM = Pattern.compile("[^A-Za-z0-9_]");

    private final NodeList nodes;

    public SessionIdFormat(NodeList nodes)
    {
        this.nodes = nodes;
    }

    /** @return the parsed id, or null if {@code clusterId} is not a well-formed id of a configured or retired node */
    public SessionId parse(String clusterId)
    {
        if (clusterId == null || clusterId.length() > MAX_RANDOM + 33)
            return null;
        if (nodes.isAnonymous())
            return !clusterId.isEmpty() && clusterId.length() <= MAX_RANDOM && isWord(clusterId, 0, clusterId.length()) ? new SessionId(clusterId, "") : null;
        // <random: 1 to MAX_RANDOM of [A-Za-z0-9_]>-<node: 1 to 32 of them>, checked by hand: it runs several times per request.
        int dash = clusterId.indexOf('-');
        if (dash < 1 || dash > MAX_RANDOM || clusterId.length() - dash - 1 < 1 || clusterId.length() - dash - 1 > 32 ||
            !isWord(clusterId, 0, dash) || !isWord(clusterId, dash + 1, clusterId.length()))
            return null;
        String node = clusterId.substring(dash + 1);
        return nodes.contains(node) || nodes.isRetired(node) ? new SessionId(clusterId.substring(0, dash), node) : null;
    }

    /**
     * @return the node of an id that would be well-formed if that node were configured or retired (a node removed
     * from the list without being listed as retired, or a forged id), or null
     */
    public String unknownNodeOf(String clusterId)
    {
        if (clusterId == null || nodes.isAnonymous() || parse(clusterId) != null)
            return null;
        int dash = clusterId.indexOf('-');
        if (dash < 1)
            return null;
        String node = clusterId.substring(dash + 1);
        String wellFormed = clusterId.substring(0, dash + 1) + nodes.nodes().get(0).id();
        return parse(wellFormed) != null && node.length() <= 32 && isWord(node, 0, node.length()) ? node : null;
    }

    /** @return true if {@code s[from, to)} is only {@code [A-Za-z0-9_]} */
    private static boolean isWord(String s, int from, int to)
    {
        for (int i = from; i < to; i++)
        {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'))
                return false;
        }
        return true;
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
