package net.jettymemcached.sessions.store;

import net.jettymemcached.sessions.id.SessionId;
import net.jettymemcached.sessions.replication.CopyState;
import net.jettymemcached.sessions.replication.CopyVersion;
import org.eclipse.jetty.session.SessionData;

/**
 * The one owner of "is this sticky Jetty's cached copy still the current one": asks memcached for the primary's
 * version at most every {@code stickyRevalidate}, holding the copy's write lock so that its own writes never look
 * like another Jetty's, and tells a copy lost with its node from one another Jetty replaced or ended.
 */
final class StickyFreshness
{
    private final StoreParts parts;
    private final SessionKeys keys;

    StickyFreshness(StoreParts parts, SessionKeys keys)
    {
        this.parts = parts;
        this.keys = keys;
    }

    /** @see MemcachedSessionDataStore#isCurrent */
    boolean isCurrent(String id, SessionData data)
    {
        if (!(data instanceof MemcachedSessionData tracked))
            return true;
        if (tracked.isStale())
            return false;
        long interval = parts.stickyRevalidate().toMillis();
        if (interval < 0 || tracked.storedVersion() == null || tracked.isUnsaved())
            return true;
        long now = parts.clock().millis();
        if (interval > 0 && now - tracked.confirmedAt() < interval)
            return true;
        if (parts.writeAsync() && parts.writer().pendingItem(keys.primary(id)) != null)
            return true; // our own write of it is on its way
        SessionId sessionId = parts.ids().parse(id);
        if (sessionId == null)
            return true;
        // A write of this copy in flight is this Jetty's own: what it lands is not yet recorded as storedVersion.
        if (!tracked.writing().tryLock())
            return true;
        try
        {
            return confirmCurrent(sessionId, id, tracked, now);
        }
        finally
        {
            tracked.writing().unlock();
        }
    }

    /** Asks memcached, holding the copy's write lock: the version compared is the one of this Jetty's last write. */
    private boolean confirmCurrent(SessionId sessionId, String id, MemcachedSessionData tracked, long now)
    {
        if (tracked.isStale())
            return false;
        CopyVersion stored = tracked.storedVersion();
        if (stored == null)
            return true;
        parts.statistics().revalidated();
        CopyState state = parts.replicas().primaryState(sessionId, keys.primary(id));
        if (state.kind() == CopyState.Kind.UNREACHABLE)
            return true; // not confirmed: asked again on the next request
        boolean current = state.kind() == CopyState.Kind.PRESENT ? state.version().equals(stored) : onlyCopyLost(sessionId, id, stored);
        if (current && state.kind() == CopyState.Kind.MISSING)
        {
            // Its node restarted empty or evicted it: memory holds the session, and its next store writes it back.
            tracked.writeFailed();
        }
        else if (current)
            tracked.confirmed(now);
        else
        {
            tracked.markStale();
            parts.statistics().staleCopyDropped();
        }
        return current;
    }

    /**
     * The primary copy is missing: an ended session leaves a tombstone, so its node lost it (a restart, an eviction).
     * @return true if no backup holds a tombstone or a copy newer than this one either (a copy the same as this one
     * is as good: the next store writes the primary back)
     */
    private boolean onlyCopyLost(SessionId sessionId, String id, CopyVersion stored)
    {
        for (CopyState backup : parts.replicas().backupStates(sessionId, keys.backup(id)))
        {
            if (backup.kind() == CopyState.Kind.PRESENT && (backup.version().isMarker() || backup.version().isNewerThan(stored)))
                return false;
        }
        return true;
    }
}
