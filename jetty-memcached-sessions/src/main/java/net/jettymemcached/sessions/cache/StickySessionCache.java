package net.jettymemcached.sessions.cache;

import net.jettymemcached.sessions.id.SessionId;
import net.jettymemcached.sessions.lock.PathPattern;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.session.DefaultSessionCache;
import org.eclipse.jetty.session.ManagedSession;
import org.eclipse.jetty.session.SessionData;
import org.eclipse.jetty.session.SessionManager;

/**
 * Jetty's in-memory session cache for sticky mode, plus one thing Jetty's cache cannot do: drop a copy that another
 * Jetty has made stale. When a request arrives whose cookie names another worker, the session was served there
 * since this Jetty last saw it; the id manager then calls {@link #evictStale(String)} and the session is loaded
 * again from memcached.
 */
public class StickySessionCache extends DefaultSessionCache implements RequestScope.Hooks
{
    private final RequestScope scope;

    public StickySessionCache(SessionManager manager, PathPattern ignore)
    {
        super(manager);
        this.scope = new RequestScope(this, ignore);
    }

    @Override
    protected void doStart() throws Exception
    {
        super.doStart();
        scope.attach(getSessionManager().getContext());
    }

    /** Requests matching {@code ignorePattern} see no session: nothing is loaded, refreshed or written for them. */
    @Override
    public ManagedSession get(String id) throws Exception
    {
        return scope.currentRequestIsIgnored() ? null : super.get(id);
    }

    /** Sticky sessions take no locks. */
    @Override
    public void entered(Request request)
    {
    }

    @Override
    public void beforeLoad(Request request, SessionId home)
    {
    }

    @Override
    public ManagedSession newSession(SessionData data)
    {
        return new EvictableSession(getSessionManager(), data);
    }

    /**
     * Removes the cached copy of {@code id} unless a request is using it right now (that request's copy is the one
     * being worked on; the next idle moment evicts it).
     *
     * @return true if a copy was removed
     */
    public boolean evictStale(String id)
    {
        ManagedSession session = doGet(id);
        if (session == null)
            return false;
        try (var lock = session.lock())
        {
            if (session.getRequests() > 0 || !session.isValid())
                return false;
            if (doDelete(id) == null)
                return false;
            session.setResident(false);
            if (session instanceof EvictableSession evictable)
                evictable.stopTimer();
            return true;
        }
    }

    /** A session whose inactivity timer can be stopped when its copy is evicted. */
    static class EvictableSession extends ManagedSession
    {
        EvictableSession(SessionManager manager, SessionData data)
        {
            super(manager, data);
        }

        void stopTimer()
        {
            _sessionInactivityTimer.cancel();
        }
    }
}
