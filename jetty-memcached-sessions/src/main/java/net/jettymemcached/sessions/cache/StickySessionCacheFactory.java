package net.jettymemcached.sessions.cache;

import net.jettymemcached.sessions.lock.PathPattern;
import org.eclipse.jetty.session.AbstractSessionCacheFactory;
import org.eclipse.jetty.session.SessionCache;
import org.eclipse.jetty.session.SessionManager;

/** Installs a {@link StickySessionCache} in every context; unreadable stored sessions are removed. */
public class StickySessionCacheFactory extends AbstractSessionCacheFactory
{
    private final PathPattern ignore;

    /** @param ignore the paths that skip sessions, or null */
    public StickySessionCacheFactory(PathPattern ignore)
    {
        this.ignore = ignore;
        setRemoveUnloadableSessions(true);
        setFlushOnResponseCommit(true);
    }

    @Override
    public SessionCache newSessionCache(SessionManager manager)
    {
        return new StickySessionCache(manager, ignore);
    }
}
