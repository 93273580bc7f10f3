package net.jettymemcached.sessions.cache;

import java.util.function.BiConsumer;
import java.util.function.Consumer;

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
