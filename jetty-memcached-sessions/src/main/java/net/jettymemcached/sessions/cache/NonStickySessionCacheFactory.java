package net.jettymemcached.sessions.cache;

import net.jettymemcached.sessions.lock.PathPattern;
import net.jettymemcached.sessions.lock.RequestLocking;
import org.eclipse.jetty.session.AbstractSessionCacheFactory;
import org.eclipse.jetty.session.SessionCache;
import org.eclipse.jetty.session.SessionManager;

/** Installs a {@link NonStickySessionCache} in every context; unreadable stored sessions are removed. */
public class NonStickySessionCacheFactory extends AbstractSessionCacheFactory
{
    private final PathPattern ignore;
    private final RequestLocking locking;
    private final RequestsInFlight inFlight;

    /** @param ignore the paths that skip sessions, or null */
    public NonStickySessionCacheFactory(PathPattern ignore, RequestLocking locking, RequestsInFlight inFlight)
    {
        this.ignore = ignore;
        this.locking = locking;
        this.inFlight = inFlight;
        setRemoveUnloadableSessions(true);
        setFlushOnResponseCommit(true);
    }

    @Override
    public SessionCache newSessionCache(SessionManager manager)
    {
        return new NonStickySessionCache(manager, ignore, locking, inFlight);
    }
}
