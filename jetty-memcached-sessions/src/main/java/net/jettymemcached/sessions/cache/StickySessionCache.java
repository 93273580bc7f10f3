package net.jettymemcached.sessions.cache;

import java.util.concurrent.atomic.AtomicLong;

import net.jettymemcached.sessions.id.SessionId;
import net.jettymemcached.sessions.lock.PathPattern;
import net.jettymemcached.sessions.store.MemcachedSessionData;
import net.jettymemcached.sessions.store.MemcachedSessionDataStore;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.session.DefaultSessionCache;
import org.eclipse.jetty.session.ManagedSession;
import org.eclipse.jetty.session.SessionData;
import org.eclipse.jetty.session.SessionManager;

/**
 * Jetty's in-memory session cache for sticky mode, plus what Jetty's cache cannot do: drop a copy that another Jetty
 * has made stale. Before a cached copy is served, the store confirms it current (at most every
 * {@code stickyRevalidate} interval, one small read); a request whose cookie names another worker drops it at once
 * (the id manager calls {@link #evictStale(String)}). Either way the session is then loaded again from memcached.
 * <p>
 * Evicting never fails a parallel request: a request that found the copy just as another one evicted it loads it
 * again instead of seeing no session.
 */
public class StickySessionCache extends DefaultSessionCache implements RequestScope.Hooks
{
    private final RequestScope scope;
    /** Counts evictions, so that a load that raced with one is retried (Jetty's cache would answer "no session"). */
    private final AtomicLong evictions = new AtomicLong();

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

    private MemcachedSessionDataStore store()
    {
        return (MemcachedSessionDataStore)getSessionDataStore();
    }

    /**
     * Requests matching {@code ignorePattern} see no session: nothing is loaded, refreshed or written for them. A
     * cached copy is served only once confirmed current; a session that moved is found under its new id.
     */
    @Override
    public ManagedSession get(String id) throws Exception
    {
        if (scope.currentRequestIsIgnored())
            return null;
        ManagedSession cached = doGet(id);
        if (cached != null && !store().isCurrent(id, cached.getSessionData()))
            evictStale(id);
        return CachedSession.followingMoves(id, super::get, store());
    }

    @Override
    protected ManagedSession getAndEnter(String id, boolean enter) throws Exception
    {
        for (int attempt = 0; ; attempt++)
        {
            long before = evictions.get();
            ManagedSession session = super.getAndEnter(id, enter);
            if (session != null || attempt >= 2 || evictions.get() == before)
                return session;
        }
    }

    /** Sticky sessions take no locks. */
    @Override
    public void entered(Request request)
    {
    }

    @Override
    public boolean beforeLoad(Request request, SessionId home)
    {
        return true;
    }

    @Override
    public ManagedSession newSession(SessionData data)
    {
        return CachedSession.of(getSessionManager(), data, scope.currentRequestIsIgnored());
    }

    /** The session an ignored request creates is never cached (nor stored): the real one stays untouched. */
    @Override
    public void add(String id, ManagedSession session) throws Exception
    {
        if (isTemporary(session))
        {
            session.setResident(true); // usable by its request, but never in the cache's map
            return;
        }
        super.add(id, session);
    }

    /**
     * Jetty's flush of a changed session at response commit, told to the store as such: the request still runs, so
     * what it touched is checked again at its end (it may change a value after the response was committed).
     */
    @Override
    public void commit(ManagedSession session) throws Exception
    {
        if (session == null || !isFlushOnResponseCommit())
            return;
        try (var lock = session.lock())
        {
            if (!session.isValid() || !session.getSessionData().isDirty())
                return;
            session.onSessionPassivation();
            store().storeAtCommit(session.getId(), session.getSessionData());
            session.onSessionActivation();
        }
    }

    @Override
    public void release(ManagedSession session) throws Exception
    {
        if (isTemporary(session))
            return;
        super.release(session);
    }

    private static boolean isTemporary(ManagedSession session)
    {
        return session != null && session.getSessionData() instanceof MemcachedSessionData tracked && tracked.isTemporary();
    }

    @Override
    protected void renewSessionId(ManagedSession session, String newId, String newExtendedId) throws Exception
    {
        if (session != null) // every session of this cache is one (newSession)
            ((CachedSession)session).rename(newId, newExtendedId, this::doPutIfAbsent, this::doDelete, store());
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
            evictions.incrementAndGet();
            if (doDelete(id) == null)
                return false;
            session.setResident(false);
            if (session instanceof CachedSession cached)
                cached.stopTimer();
            return true;
        }
    }
}
