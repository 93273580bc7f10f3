package net.jettymemcached.sessions.cache;

import org.eclipse.jetty.session.AbstractSessionCacheFactory;
import org.eclipse.jetty.session.SessionCache;
import org.eclipse.jetty.session.SessionManager;

/** Installs a {@link NonStickySessionCache} in every context; unreadable stored sessions are removed. */
public class NonStickySessionCacheFactory extends AbstractSessionCacheFactory
{
    public NonStickySessionCacheFactory()
    {
        setRemoveUnloadableSessions(true);
        setFlushOnResponseCommit(true);
    }

    @Override
    public SessionCache newSessionCache(SessionManager manager)
    {
        return new NonStickySessionCache(manager);
    }
}
