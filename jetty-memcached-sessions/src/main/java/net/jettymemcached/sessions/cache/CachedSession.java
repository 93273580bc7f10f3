package net.jettymemcached.sessions.cache;

import java.util.function.BiConsumer;
import java.util.function.Consumer;

import net.jettymemcached.sessions.store.MemcachedSessionData;
import net.jettymemcached.sessions.store.MemcachedSessionDataStore;
import org.eclipse.jetty.session.ManagedSession;
import org.eclipse.jetty.session.SessionData;
import org.eclipse.jetty.session.SessionManager;

/** Jetty's session with the two things our caches need of it: stopping its timer on eviction, and a safe id change. */
class CachedSession extends ManagedSession
{
    CachedSession(SessionManager manager, SessionData data)
    {
        super(manager, data);
    }

    /** Jetty's lookup of a session by id ({@code AbstractSessionCache.get}). */
    @FunctionalInterface
    interface Lookup
    {
        ManagedSession get(String id) throws Exception;
    }

    /** @return the session for {@code data}; temporary (never stored nor cached) for an ignored request */
    static CachedSession of(SessionManager manager, SessionData data, boolean ignoredRequest)
    {
        if (ignoredRequest && data instanceof MemcachedSessionData tracked)
            tracked.markTemporary();
        return new CachedSession(manager, data);
    }

    /** @return the session {@code id}, or, if there is none, the session under the id it moved to (its tombstone said) */
    static ManagedSession followingMoves(String id, Lookup lookup, MemcachedSessionDataStore store) throws Exception
    {
        ManagedSession session = lookup.get(id);
        if (session == null)
        {
            String movedTo = store.movedTo(id);
            if (movedTo != null)
                session = lookup.get(movedTo);
        }
        return session;
    }

    /** Jetty's; its reading of every attribute to find listeners does not count as a request touching them. */
    @Override
    public void onSessionActivation()
    {
        runCallbacks(super::onSessionActivation);
    }

    /** Jetty's; its reading of every attribute to find listeners does not count as a request touching them. */
    @Override
    public void onSessionPassivation()
    {
        runCallbacks(super::onSessionPassivation);
    }

    private void runCallbacks(Runnable callbacks)
    {
        if (getSessionData() instanceof MemcachedSessionData tracked)
            tracked.runActivationCallbacks(callbacks);
        else
            callbacks.run();
    }

    void stopTimer()
    {
        _sessionInactivityTimer.cancel();
    }

    /**
     * Jetty's id change ({@code AbstractSessionCache.renewSessionId}) with the store's order: the new id's copies are
     * created before the old ones become tombstones, so a reader in between finds one or the other, never neither.
     *
     * @param put    puts the session in the cache under an id
     * @param remove removes an id from the cache
     */
    void rename(String newId, String newExtendedId, BiConsumer<String, ManagedSession> put, Consumer<String> remove,
                MemcachedSessionDataStore store) throws Exception
    {
        try (var lock = lock())
        {
            String oldId = getId();
            checkValidForWrite();
            SessionData data = getSessionData();
            data.setId(newId);
            data.setLastSaved(0);
            data.setDirty(true);
            setExtendedId(newExtendedId);
            onIdChanged();
            put.accept(newId, this);
            remove.accept(oldId);
            store.renamed(oldId, newId, data);
        }
    }
}
