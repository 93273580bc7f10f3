package net.jettymemcached.sessions.cache;

import net.jettymemcached.sessions.lock.PathPattern;
import org.eclipse.jetty.server.Request;

/**
 * Requests whose path matches {@code ignorePattern} neither load, store, refresh nor create a session. The pattern is
 * matched against the whole request path (context path included, query string excluded), as documented.
 */
final class IgnoredPaths
{
    private IgnoredPaths()
    {
    }

    static String pathOf(Request request)
    {
        return request.getHttpURI().getCanonicalPath();
    }

    static boolean ignores(PathPattern ignore, Request request)
    {
        return ignore != null && ignore.matches(pathOf(request));
    }
}
