package net.jettymemcached.sessions.cache;

import net.jettymemcached.sessions.id.SessionId;
import net.jettymemcached.sessions.lock.PathPattern;
import net.jettymemcached.sessions.lock.RequestLocking;
import net.jettymemcached.sessions.store.MemcachedSessionData;
import net.jettymemcached.sessions.store.MemcachedSessionDataStore;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.session.ManagedSession;
import org.eclipse.jetty.session.NullSessionCache;
import org.eclipse.jetty.session.SessionData;
import org.eclipse.jetty.session.SessionManager;

/**
 * Non-sticky mode: no session is kept between requests, every request loads its session from memcached, so any
 * Jetty can serve any request. On top of Jetty's {@link NullSessionCache}, for the request its context is handling
 * ({@link RequestScope}):
 * <ul>
 * <li>requests matching {@code ignorePattern} see no session;</li>
 * <li>requests that {@code lockingMode} selects lock each session id Jetty resolves for them before it is loaded,
 * and release the locks after the session was stored, whichever thread completes the request
 * ({@link LockedRequest});</li>
 * <li>the session is offered to the store when the response is committed, also when Jetty does not know it changed
 * (an attribute mutated in place): the store's write policy decides what, if anything, to write, so that a request
 * that follows on another Jetty as soon as it sees the response finds the change.</li>
 * </ul>
 */
public class NonStickySessionCache extends NullSessionCache implements RequestScope.Hooks
{
    private final RequestLocking locking;
    private final RequestsInFlight inFlight;
    private final RequestScope scope;
    private final String lockAttribute;

    public NonStickySessionCache(SessionManager manager, PathPattern ignore, RequestLocking locking, RequestsInFlight inFlight)
    {
        super(manager);
        this.locking = locking;
        this.inFlight = inFlight;
        this.scope = new RequestScope(this, ignore);
        this.lockAttribute = LockedRequest.attributeFor(manager);
    }

    @Override
    protected void doStart() throws Exception
    {
        super.doStart();
        scope.attach(getSessionManager().getContext());
    }

    /**
     * Requests matching {@code ignorePattern} see no session; a session that moved is found under its new id; a
     * session loaded under the request's lock is written only while the lock holds.
     */
    @Override
    public ManagedSession get(String id) throws Exception
    {
        if (scope.currentRequestIsIgnored())
            return null;
        ManagedSession session = CachedSession.followingMoves(id, super::get, store());
        Request request = scope.currentRequest();
        LockedRequest locked = request == null ? null : LockedRequest.find(request, lockAttribute);
        if (session != null && locked != null && session.getSessionData() instanceof MemcachedSessionData data)
            data.fenceWith(locked.fenceFor(session.getId()));
        return session;
    }

    private MemcachedSessionDataStore store()
    {
        return (MemcachedSessionDataStore)getSessionDataStore();
    }

    /** The session an ignored request creates is marked temporary: it is never stored. */
    @Override
    public ManagedSession newSession(SessionData data)
    {
        return CachedSession.of(getSessionManager(), data, scope.currentRequestIsIgnored());
    }

    @Override
    protected void renewSessionId(ManagedSession session, String newId, String newExtendedId) throws Exception
    {
        if (session != null) // every session of this cache is one (newSession)
            ((CachedSession)session).rename(newId, newExtendedId, this::doPutIfAbsent, this::doDelete, store());
    }

    /**
     * As the context starts handling a request that may lock, before its {@code SessionHandler} runs: the request's
     * locks are then released by a completion listener that runs after the session's own completion (which stores
     * it) and before the response is complete, on whichever thread completes the request. The request is counted in
     * flight until then, so that a stop waits for its locks; one arriving while the module stops is not admitted.
     */
    @Override
    public void entered(Request request)
    {
        if (!locking.isOff() && LockedRequest.find(request, lockAttribute) == null && !scope.currentRequestIsIgnored()
            && inFlight.admit(request))
            LockedRequest.prepare(request, lockAttribute, RequestScope.pathOf(request), locking, getSessionManager());
    }

    /** @throws ServerStoppingException for a request that arrived while the module stops: it may not lock (503) */
    @Override
    public boolean beforeLoad(Request request, SessionId home) throws InterruptedException
    {
        LockedRequest locked = LockedRequest.find(request, lockAttribute);
        if (locked == null && RequestsInFlight.isRefused(request))
            throw inFlight.refuse(request);
        if (locked == null)
            return true;
        MemcachedSessionDataStore store = (MemcachedSessionDataStore)getSessionDataStore();
        String lockKey = store.getKeys().lock(home.clusterId());
        String holder = getSessionManager().getSessionIdManager().getWorkerName();
        return locked.lock(home, lockKey, holder);
    }

    @Override
    public void commit(ManagedSession session) throws Exception
    {
        if (session == null || !isFlushOnResponseCommit())
            return;
        try (var lock = session.lock())
        {
            if (!session.isValid())
                return;
            session.onSessionPassivation();
            ((MemcachedSessionDataStore)getSessionDataStore()).storeAtCommit(session.getId(), session.getSessionData());
            session.onSessionActivation();
        }
    }
}
