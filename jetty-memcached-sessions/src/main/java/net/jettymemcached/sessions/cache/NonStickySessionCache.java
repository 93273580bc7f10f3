package net.jettymemcached.sessions.cache;

import net.jettymemcached.sessions.lock.IgnoredRequest;
import org.eclipse.jetty.session.ManagedSession;
import org.eclipse.jetty.session.NullSessionCache;
import org.eclipse.jetty.session.SessionManager;

/**
 * Non-sticky mode: no session is kept between requests, every request loads its session from memcached, so any
 * Jetty can serve any request. Two additions to Jetty's {@link NullSessionCache}: requests matching
 * {@code ignorePattern} see no session, and a session is offered to the store when the response is committed even
 * if Jetty does not know it changed (an attribute mutated in place), so that a request that follows on another
 * Jetty as soon as it sees the response finds the change. The store writes only what changed.
 */
public class NonStickySessionCache extends NullSessionCache
{
    public NonStickySessionCache(SessionManager manager)
    {
        super(manager);
    }

    @Override
    public ManagedSession get(String id) throws Exception
    {
        return IgnoredRequest.isCurrent() ? null : super.get(id);
    }

    @Override
    public void commit(ManagedSession session) throws Exception
    {
        if (session != null && isFlushOnResponseCommit() && session.isValid())
            session.getSessionData().setDirty(true);
        super.commit(session);
    }
}
