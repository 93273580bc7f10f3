package net.jettymemcached.sessions.store;

import java.util.function.BiFunction;
import java.util.function.Function;

import net.jettymemcached.sessions.format.AccessRecord;
import net.jettymemcached.sessions.format.SessionEnvelope;
import net.jettymemcached.sessions.format.StoredValue;
import net.jettymemcached.sessions.format.UnreadableEnvelopeException;
import net.jettymemcached.sessions.id.SessionId;
import net.jettymemcached.sessions.memcached.Item;
import net.jettymemcached.sessions.replication.CopyVersion;
import net.jettymemcached.sessions.replication.KnownCas;
import net.jettymemcached.sessions.replication.StoredCopy;
import org.eclipse.jetty.session.UnreadableSessionDataException;
import org.eclipse.jetty.util.NanoTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out one load of a session for the store of one context: this Jetty's own pending write if there is one,
 * else the current copy the replicas find; decodes it (a damaged primary falls back to its backup), restores a
 * primary that lost it, and tells a tombstone from a session (a tombstone of a move teaches {@code Forwards} the new
 * id). The session remembers the version it was loaded from, which its next write must replace.
 */
final class SessionLoads
{
    private static final Logger LOG = LoggerFactory.getLogger(SessionLoads.class);

    private final StoreParts parts;
    private final String contextPath;
    private final Function<String, MemcachedSessionData> newData;
    private final BiFunction<String, Exception, UnreadableSessionDataException> unreadable;

    /**
     * @param newData    a fresh session of the store's context for an id
     * @param unreadable Jetty's exception for an unreadable session of the store's context
     */
    SessionLoads(StoreParts parts, String contextPath, Function<String, MemcachedSessionData> newData,
                 BiFunction<String, Exception, UnreadableSessionDataException> unreadable)
    {
        this.parts = parts;
        this.contextPath = contextPath;
        this.newData = newData;
        this.unreadable = unreadable;
    }

    /**
     * @param tombstoneTtl the TTL of a tombstone copied back to a primary
     * @return the session, or null if there is none (never was, ended, or moved)
     */
    MemcachedSessionData load(SessionId sessionId, String id, SessionKeys keys, int savePeriodSec, int tombstoneTtl) throws Exception
    {
        String key = keys.primary(id);
        Item pending = parts.writeAsync() ? parts.writer().pendingItem(key) : null;
        if (pending != null)
        {
            Loaded loaded = decode(id, pending.value());
            if (loaded.data() != null)
                loaded.data().loaded(CopyVersion.ofFlags(pending.flags()), loaded.generation(), new KnownCas(), parts.clock().millis());
            return loaded.data();
        }

        StoredCopy copy = parts.replicas().read(sessionId, key, keys.backup(id));
        if (copy == null)
            return null;
        Loaded loaded;
        try
        {
            loaded = decode(id, copy.value());
        }
        catch (UnreadableSessionDataException x)
        {
            // A damaged primary copy is not the end of the session while its backup is intact.
            copy = copy.fromBackup() ? null : parts.replicas().readBackup(sessionId, keys.backup(id), copy.primaryCas());
            if (copy == null)
                throw x;
            loaded = decode(id, copy.value());
        }
        long now = parts.clock().millis();
        if (copy.restorePrimary())
        {
            int ttl = loaded.data() == null ? tombstoneTtl : Ttl.forStoredValue(loaded.data(), now, savePeriodSec);
            parts.replicas().restorePrimary(sessionId, key, ttl, copy);
        }
        if (loaded.data() == null)
        {
            // A tombstone: the session ended, or moved (then the id manager sends its next request to the new id).
            if (loaded.movedTo() != null)
                parts.forwards().moved(id, loaded.movedTo());
            return null;
        }
        parts.statistics().loaded();
        parts.forwards().forget(id);
        loaded.data().loaded(copy.version(), loaded.generation(), copy.known(), now);
        return loaded.data();
    }

    /** A decoded copy: a session (with its generation), or a tombstone (data null) and where the session moved. */
    private record Loaded(MemcachedSessionData data, long generation, String movedTo)
    {
    }

    /** Decodes a stored value: its envelope, then the latest access record appended to it. */
    private Loaded decode(String id, byte[] value) throws UnreadableSessionDataException
    {
        try
        {
            long started = NanoTime.now();
            MemcachedSessionData target = newData.apply(id);
            StoredValue stored = StoredValue.parse(value, parts.envelope().accessRecords(), target);
            if (stored.ignored() > 0)
                parts.statistics().accessRecordsIgnored(stored.ignored());
            SessionEnvelope.Decoded decoded = parts.envelope().decodeWithAttributes(stored.envelope(), target);
            parts.statistics().deserialized(NanoTime.since(started));
            if (decoded.isTombstone())
                return new Loaded(null, decoded.generation(), decoded.tombstone().movedTo());
            MemcachedSessionData data = (MemcachedSessionData)decoded.data();
            long writtenInFull = data.getLastSaved();
            AccessRecord access = stored.latestAccess() == null ? AccessRecord.of(data, decoded.generation()) : stored.latestAccess();
            access.applyTo(data);
            AttributeChanges.loaded(data, decoded.attributes());
            data.storedInFull(writtenInFull, access, stored.records());
            return new Loaded(data, decoded.generation(), null);
        }
        catch (UnreadableEnvelopeException x)
        {
            parts.statistics().unreadable();
            LOG.warn("session {} of context {} is unreadable and will be discarded: {}", id, contextPath, x.getMessage());
            throw unreadable.apply(id, x);
        }
    }
}
