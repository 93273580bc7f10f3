package net.jettymemcached.sessions.store;

import java.util.List;

import net.jettymemcached.sessions.format.EncodedAttribute;
import net.jettymemcached.sessions.format.AccessRecord;
import net.jettymemcached.sessions.format.StoredValue;
import net.jettymemcached.sessions.id.SessionId;
import net.jettymemcached.sessions.memcached.Item;
import net.jettymemcached.sessions.memcached.MemcachedAccessException;
import net.jettymemcached.sessions.replication.AsyncSessionWriter;
import net.jettymemcached.sessions.replication.CopyVersion;
import net.jettymemcached.sessions.replication.KnownCas;
import net.jettymemcached.sessions.replication.WriteOutcome;
import net.jettymemcached.sessions.stats.ThrottledLog;
import org.eclipse.jetty.session.SessionData;
import org.eclipse.jetty.util.NanoTime;

/**
 * Carries out one store of a session: checks which attributes changed ({@link AttributeChanges}), asks the
 * {@link WritePolicy} what to send, encodes the value only when it is sent, and sends it through
 * the replicas, on the request thread or through the asynchronous writer ({@code backupAsync}, sticky mode).
 * <p>
 * In sticky mode a write that reaches no node keeps the session in memory and marks it for a full write on its next
 * store; in non-sticky mode the failure is the request's.
 */
final class SessionWrites
{
    private final StoreParts parts;
    private final WritePolicy policy;
    private final AttributeChanges changes;
    private final ThrottledLog failureLog;
    private final ThrottledLog refusedLog = new ThrottledLog(org.slf4j.LoggerFactory.getLogger(SessionWrites.class), 10, java.util.concurrent.TimeUnit.SECONDS);

    SessionWrites(StoreParts parts, WritePolicy policy, ThrottledLog failureLog)
    {
        this.parts = parts;
        this.policy = policy;
        this.changes = new AttributeChanges(parts.envelope(), parts.trackTouchedAttributes());
        this.failureLog = failureLog;
    }

    /** @return the memcached TTL of the session's copies (0: never expire), also when nothing was written */
    int store(WritePolicy.Trigger trigger, SessionId id, SessionKeys keys, SessionData data, long lastSaveTime, int savePeriodSec) throws Exception
    {
        if (!(data instanceof MemcachedSessionData tracked) || parts.writeAsync())
            return storeLocked(trigger, id, keys, data, lastSaveTime, savePeriodSec);
        // One write of a copy at a time, in the order of their generations (see MemcachedSessionData#writing). Not
        // around an asynchronous submit: a full queue makes the submitter wait for the writer, which takes the lock.
        tracked.writing().lock();
        try
        {
            return storeLocked(trigger, id, keys, data, lastSaveTime, savePeriodSec);
        }
        finally
        {
            tracked.writing().unlock();
        }
    }

    private int storeLocked(WritePolicy.Trigger trigger, SessionId id, SessionKeys keys, SessionData data, long lastSaveTime, int savePeriodSec) throws Exception
    {
        MemcachedSessionData tracked = data instanceof MemcachedSessionData m ? m : null;
        if (tracked != null && (tracked.isTemporary() || tracked.isStale()))
        {
            if (tracked.isStale() && data.isDirty())
                refusedLog.warn("session {} not written: a request changed a copy found stale while another request used it " +
                    "(memcached holds a newer copy or a tombstone); that request's changes are lost", id);
            return 1;
        }
        long now = parts.clock().millis();
        long started = NanoTime.now();
        long generation = tracked == null ? 1 : tracked.nextGeneration();
        List<EncodedAttribute> attributes;
        boolean changed;
        if (tracked != null)
        {
            AttributeChanges.Result checked = changes.check(tracked, trigger.inUse());
            attributes = checked.attributes();
            changed = checked.changed();
        }
        else
        {
            attributes = null;
            changed = true;
        }
        AccessRecord record = AccessRecord.of(data, tracked == null ? 0 : tracked.storedGeneration());
        WritePolicy.Decision decision = policy.decide(tracked == null ? null : tracked.stored(), changed, record,
            lastSaveTime, tracked != null && tracked.isUnsaved(), now);
        if (tracked != null)
            tracked.recordOutcome(decision.attributesChanged());
        boolean needsValue = decision.write() == WritePolicy.Write.FULL ||
            (decision.write() == WritePolicy.Write.ACCESS_RECORD && parts.writeAsync());
        Item item = null;
        if (needsValue)
        {
            byte[] envelope = attributes == null ? parts.envelope().encode(data, generation) : parts.envelope().encode(data, generation, attributes);
            item = new Item(StoredValue.frame(envelope), CopyVersion.of(generation, false).flags());
        }
        parts.statistics().serialized(NanoTime.since(started));

        int ttl = Ttl.forStoredValue(data, now, savePeriodSec);
        String key = keys.primary(id.clusterId());
        AccessRecord fullRecord = AccessRecord.of(data, generation);
        boolean isNew = lastSaveTime <= 0;
        Item value = item;
        AsyncSessionWriter.Write full = () -> writeFull(id, key, keys.backup(id.clusterId()), ttl, value, generation, isNew, tracked,
            fullRecord, now);
        switch (decision.write())
        {
            case FULL ->
            {
                // Queued is as good as stored for the next decision (a failed write resets it, writeFailed): the
                // end of a request that committed a change must not queue the same value again, which would land
                // as a second copy after another Jetty may have loaded the first.
                if (parts.writeAsync() && tracked != null)
                    tracked.storedInFull(now, fullRecord, 0);
                run(key, new AsyncSessionWriter.PendingWrite(item, full, full));
            }
            case NOTHING -> parts.statistics().skippedWrite();
            case ACCESS_RECORD ->
            {
                // Never replaced by a full write when it fails: a missing primary may be a session that just ended.
                AsyncSessionWriter.Write append = () ->
                {
                    if (parts.replicas().appendToPrimary(id, key, parts.envelope().accessRecords().encode(record, data)))
                        tracked.appended(record);
                    else
                        parts.statistics().accessRecordNotAppended();
                };
                if (parts.writeAsync())
                    parts.writer().submit(key, new AsyncSessionWriter.PendingWrite(item, append, full));
                else
                    append.run();
            }
        }
        return ttl;
    }

    private void run(String key, AsyncSessionWriter.PendingWrite write) throws Exception
    {
        if (parts.writeAsync())
            parts.writer().submit(key, write);
        else
            write.write().run();
    }

    private void writeFull(SessionId id, String key, String backupKey, int ttl, Item item, long generation, boolean isNew, MemcachedSessionData tracked,
                           AccessRecord record, long now) throws MemcachedAccessException
    {
        if (tracked != null)
            tracked.writing().lock(); // also on the asynchronous writer's thread
        try
        {
            if (tracked != null && !tracked.writePermitted())
            {
                // The request's lock was lost: another request may hold it and write; this copy must not replace that.
                parts.statistics().fencedWrite();
                tracked.markStale();
                refusedLog.warn("session {} not written: the request's lock was lost while it ran (its changes are lost; see lockExpiration)", id);
                return;
            }
            CopyVersion loadedFrom = tracked == null ? null : tracked.storedVersion();
            KnownCas known = tracked == null ? new KnownCas() : tracked.known();
            // New until a write of it succeeded (Jetty's lastSaved stays 0 until then, and is 0 again for a new id).
            boolean created = isNew && loadedFrom == null;
            WriteOutcome outcome = parts.replicas().write(id, key, backupKey, ttl, item, created, loadedFrom, known,
                parts.writeAsync() ? parts.backupWriter() : null);
            if (outcome == WriteOutcome.STORED)
            {
                if (tracked != null)
                {
                    tracked.written(CopyVersion.ofFlags(item.flags()), generation, now);
                    tracked.storedInFull(now, record, 0);
                }
                return;
            }
            // Another Jetty wrote since, or the session ended: this copy is stale; the write is refused (counted by
            // the replicas) and the copy is never served or written again.
            if (tracked != null)
                tracked.markStale();
            refusedLog.warn("session {} not written: {}", id, describe(outcome));
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
        finally
        {
            if (tracked != null)
                tracked.writing().unlock();
        }
    }

    private static String describe(WriteOutcome outcome)
    {
        return switch (outcome)
        {
            case CONFLICT -> "another Jetty wrote a newer copy since this request loaded it (its changes are lost; lockingMode=all prevents this)";
            case GONE -> "the session ended or moved since this request loaded it";
            case IN_USE -> "its id is already taken by another session";
            case STORED -> "stored";
        };
    }
}
