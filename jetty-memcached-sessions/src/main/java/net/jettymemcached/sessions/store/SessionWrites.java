package net.jettymemcached.sessions.store;

import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import net.jettymemcached.sessions.MemcachedCluster;
import net.jettymemcached.sessions.format.SessionEnvelope;
import net.jettymemcached.sessions.id.SessionId;
import net.jettymemcached.sessions.memcached.MemcachedAccessException;
import net.jettymemcached.sessions.stats.ThrottledLog;
import org.eclipse.jetty.session.SessionData;

/**
 * Decides how little a store of a session has to send, and sends it:
 * <ul>
 * <li>attributes changed (their serialized bytes hash differently — so objects mutated in place count), the session
 * is new or renamed, or its last write failed: a full write of primary and backup;</li>
 * <li>only access times changed: a 46-byte {@link AccessRecord} appended to the primary copy, once the expiry has
 * moved by 1 % of the max inactive interval;</li>
 * <li>nothing changed since the last write, or the access state moved less than that: nothing.</li>
 * </ul>
 * A full write is also forced once half the max inactive interval has passed since the last one, so that the backup's
 * times never lag by more than that and the value's memcached expiry always covers the session's; its TTL therefore
 * adds half the interval.
 * <p>
 * In sticky mode a write that reaches no node keeps the session in memory and marks it for a full write on its next
 * store; in non-sticky mode the failure is the request's.
 */
final class SessionWrites
{
    /** Records appended before the value is compacted by a full write. */
    static final int MAX_RECORDS = 64;
    private static final long MIN_ACCESS_STEP_MS = 100;

    private final MemcachedCluster cluster;
    private final ThrottledLog failureLog;
    private final Set<String> unsaved = ConcurrentHashMap.newKeySet();

    SessionWrites(MemcachedCluster cluster, ThrottledLog failureLog)
    {
        this.cluster = cluster;
        this.failureLog = failureLog;
    }

    boolean isUnsaved(String id)
    {
        return unsaved.contains(id);
    }

    void forget(String id)
    {
        unsaved.remove(id);
    }

    void store(SessionId id, SessionKeys keys, SessionData data, long lastSaveTime, int savePeriodSec) throws Exception
    {
        long now = System.currentTimeMillis();
        long started = System.nanoTime();
        SessionEnvelope.Encoded encoded = cluster.envelope().encodeWithDigest(data);
        cluster.statistics().serialized(System.nanoTime() - started);
        byte[] value = StoredValue.frame(encoded.value());
        MemcachedSessionData tracked = data instanceof MemcachedSessionData m ? m : null;
        boolean changed = tracked == null || tracked.storedDigest() == null || !Arrays.equals(tracked.storedDigest(), encoded.attributeDigest());
        cluster.outcomes().report(id.clusterId(), changed);

        AccessRecord record = AccessRecord.of(data);
        int ttl = Ttl.forStoredValue(data, now, savePeriodSec);
        String key = keys.primary(id.clusterId());
        AsyncSessionWriter.Write full = () -> writeFull(id, key, keys.backup(id.clusterId()), ttl, value, tracked, encoded.attributeDigest(), record, now);
        if (changed || mustWriteInFull(id, tracked, record, data, lastSaveTime, now))
        {
            run(key, new AsyncSessionWriter.PendingWrite(value, full, full));
            return;
        }
        if (sameAccess(record, tracked.lastRecord()))
        {
            cluster.statistics().skippedWrite();
            return;
        }
        AsyncSessionWriter.Write append = () ->
        {
            if (cluster.replicas().appendToPrimary(id, key, record.encode()))
                tracked.appended(record);
            else
                full.run();
        };
        run(key, new AsyncSessionWriter.PendingWrite(value, append, full));
    }

    private boolean mustWriteInFull(SessionId id, MemcachedSessionData tracked, AccessRecord record, SessionData data, long lastSaveTime, long now)
    {
        AccessRecord last = tracked.lastRecord();
        return lastSaveTime <= 0 || unsaved.contains(id.clusterId()) || last == null ||
            tracked.appendedRecords() >= MAX_RECORDS || record.maxInactiveMs() != last.maxInactiveMs() ||
            (data.getMaxInactiveMs() > 0 && now - tracked.lastFullWrite() >= data.getMaxInactiveMs() / 2);
    }

    /**
     * Whether the access state stored last is still good enough: a record is written only once the session's expiry
     * has moved by at least 1 % of its max inactive interval (and at least 100 ms). Other Jettys then see an
     * expiry at most that much early, and a session used many times a second costs one small write now and then
     * instead of one per request (and fewer full rewrites to compact the records).
     */
    private static boolean sameAccess(AccessRecord a, AccessRecord b)
    {
        if (b == null || a.maxInactiveMs() != b.maxInactiveMs())
            return false;
        long step = Math.max(MIN_ACCESS_STEP_MS, a.maxInactiveMs() / 100);
        return Math.abs(a.expiry() - b.expiry()) < step;
    }

    private void run(String key, AsyncSessionWriter.PendingWrite write) throws Exception
    {
        if (cluster.config().isSticky() && cluster.config().isBackupAsync())
            cluster.writer().submit(key, write);
        else
            write.write().run();
    }

    private void writeFull(SessionId id, String key, String backupKey, int ttl, byte[] value, MemcachedSessionData tracked,
                           byte[] digest, AccessRecord record, long now) throws MemcachedAccessException
    {
        try
        {
            cluster.replicas().write(id, key, backupKey, ttl, value);
            unsaved.remove(id.clusterId());
            if (tracked != null)
                tracked.storedInFull(digest, now, record, 0);
        }
        catch (MemcachedAccessException x)
        {
            if (tracked != null)
                tracked.forgetStored();
            if (!cluster.config().isSticky())
                throw x;
            // Memory holds the session: not the request's failure. Counted by the replicas, written in full next time.
            unsaved.add(id.clusterId());
            failureLog.warn("session write failed, the session stays in memory and is written again on its next request: {}", x.getMessage());
        }
    }
}
