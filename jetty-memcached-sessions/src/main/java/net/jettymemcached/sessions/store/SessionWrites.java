package net.jettymemcached.sessions.store;

import net.jettymemcached.sessions.format.SessionEnvelope;
import net.jettymemcached.sessions.format.AccessRecord;
import net.jettymemcached.sessions.format.StoredValue;
import net.jettymemcached.sessions.id.SessionId;
import net.jettymemcached.sessions.memcached.MemcachedAccessException;
import net.jettymemcached.sessions.replication.AsyncSessionWriter;
import net.jettymemcached.sessions.stats.ThrottledLog;
import org.eclipse.jetty.session.SessionData;
import org.eclipse.jetty.util.NanoTime;

/**
 * Carries out one store of a session: serializes it, asks the {@link WritePolicy} what to send, and sends it through
 * the replicas, on the request thread or through the asynchronous writer ({@code backupAsync}, sticky mode).
 * <p>
 * In sticky mode a write that reaches no node keeps the session in memory and marks it for a full write on its next
 * store; in non-sticky mode the failure is the request's.
 */
final class SessionWrites
{
    private final StoreParts parts;
    private final WritePolicy policy;
    private final ThrottledLog failureLog;

    SessionWrites(StoreParts parts, WritePolicy policy, ThrottledLog failureLog)
    {
        this.parts = parts;
        this.policy = policy;
        this.failureLog = failureLog;
    }

    void store(SessionId id, SessionKeys keys, SessionData data, long lastSaveTime, int savePeriodSec) throws Exception
    {
        long now = parts.clock().millis();
        long started = NanoTime.now();
        SessionEnvelope.Encoded encoded = parts.envelope().encodeWithDigest(data);
        parts.statistics().serialized(NanoTime.since(started));
        byte[] value = StoredValue.frame(encoded.value());
        MemcachedSessionData tracked = data instanceof MemcachedSessionData m ? m : null;
        AccessRecord record = AccessRecord.of(data);
        WritePolicy.Decision decision = policy.decide(tracked == null ? null : tracked.stored(), encoded.attributeDigest(), record,
            lastSaveTime, tracked != null && tracked.isUnsaved(), now);
        if (tracked != null)
            tracked.recordOutcome(decision.attributesChanged());

        int ttl = Ttl.forStoredValue(data, now, savePeriodSec);
        String key = keys.primary(id.clusterId());
        AsyncSessionWriter.Write full = () -> writeFull(id, key, keys.backup(id.clusterId()), ttl, value, tracked, encoded.attributeDigest(), record, now);
        switch (decision.write())
        {
            case FULL -> run(key, new AsyncSessionWriter.PendingWrite(value, full, full));
            case NOTHING -> parts.statistics().skippedWrite();
            case ACCESS_RECORD ->
            {
                AsyncSessionWriter.Write append = () ->
                {
                    if (parts.replicas().appendToPrimary(id, key, record.encode()))
                        tracked.appended(record);
                    else
                        full.run();
                };
                run(key, new AsyncSessionWriter.PendingWrite(value, append, full));
            }
        }
    }

    private void run(String key, AsyncSessionWriter.PendingWrite write) throws Exception
    {
        if (parts.writeAsync())
            parts.writer().submit(key, write);
        else
            write.write().run();
    }

    private void writeFull(SessionId id, String key, String backupKey, int ttl, byte[] value, MemcachedSessionData tracked,
                           byte[] digest, AccessRecord record, long now) throws MemcachedAccessException
    {
        try
        {
            parts.replicas().write(id, key, backupKey, ttl, value);
            if (tracked != null)
                tracked.storedInFull(digest, now, record, 0);
        }
        catch (MemcachedAccessException x)
        {
            // Whatever the mode, the next store of this copy writes it in full (a change made at response commit
            // is written again at the end of the request).
            if (tracked != null)
                tracked.writeFailed();
            if (!parts.sticky())
                throw x;
            // Memory holds the session: not the request's failure. Counted by the replicas.
            failureLog.warn("session write failed, the session stays in memory and is written again on its next request: {}", x.getMessage());
        }
    }
}
