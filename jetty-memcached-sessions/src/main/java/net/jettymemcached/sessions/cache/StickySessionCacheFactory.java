package net.jettymemcached.sessions.cache;

import org.eclipse.jetty.session.AbstractSessionCacheFactory;
import org.eclipse.jetty.session.SessionCache;
import org.eclipse.jetty.session.SessionManager;

/** Installs a {@link StickySessionCache} in every context; unreadable stored sessions are removed. */
public class StickySessionCacheFactory extends AbstractSessionCacheFactory
{
    public StickySessionCacheFactory()
    {
        setRemoveUnloadableSessions(true);
    }

    @Override
    public SessionCache newSessionCache(SessionManager manager)
    {
        return new StickySessionCache(manager);
    }
}
