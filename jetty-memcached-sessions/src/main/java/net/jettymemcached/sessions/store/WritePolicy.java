package net.jettymemcached.sessions.store;

import java.time.Duration;

import net.jettymemcached.sessions.format.AccessRecord;

/**
 * Whether and how a store of a session writes to memcached: the one owner of that decision, pure (the time is a
 * parameter), in two steps.
 * <p>
 * {@link #shouldEncode} runs before anything is serialized. It keeps Jetty's rule (attributes set, never saved, or
 * only metadata changed and {@code savePeriod} passed) and adds two cases: a session whose last write reached no
 * node, and, at response commit in non-sticky mode, every session (an attribute mutated in place must reach
 * memcached before the response reaches the client, who may send the next request to another Jetty).
 * <p>
 * {@link #decide} runs once the attributes were checked:
 * <ul>
 * <li>attributes changed ({@link AttributeChanges}: objects mutated in place count), the session is new,
 * renamed or its last write failed, its max inactive interval changed, 64 records were appended, or half the max
 * inactive interval passed since the last full write: {@link Write#FULL}, primary and backup;</li>
 * <li>only access times changed, and the expiry moved by at least 1 % of the max inactive interval (at least
 * 100 ms): {@link Write#ACCESS_RECORD}, 46 bytes appended to the primary;</li>
 * <li>otherwise {@link Write#NOTHING}.</li>
 * </ul>
 * The forced full write after half the interval keeps the backup's times from lagging more than that and lets the
 * value's memcached expiry cover the session's (its TTL adds that half interval, see {@link Ttl}).
 */
public final class WritePolicy
{
    /** Records appended before the value is compacted by a full write. */
    static final int MAX_RECORDS = 64;
    private static final long MIN_ACCESS_STEP_MS = 100;

    /** Why the store is asked. */
    public enum Trigger
    {
        /** The response is being committed: the request still runs. */
        RESPONSE_COMMIT,
        /** The session got a new id, in a request that still runs. */
        ID_CHANGE,
        /** The last request using the session ended, or no request uses it (context stop, eviction). */
        STORE;

        /** @return whether a request may still use the session after this store (and change what it touched) */
        public boolean inUse()
        {
            return this != STORE;
        }
    }

    public enum Write
    {
        FULL, ACCESS_RECORD, NOTHING
    }

    /** @param attributesChanged whether the attributes differ from the stored ones */
    public record Decision(Write write, boolean attributesChanged)
    {
    }

    private final boolean encodeAtEveryCommit;

    /** @param encodeAtEveryCommit true in non-sticky mode: every response commit compares the session with the store */
    public WritePolicy(boolean encodeAtEveryCommit)
    {
        this.encodeAtEveryCommit = encodeAtEveryCommit;
    }

    /**
     * @param dirty         Jetty's flag: an attribute was set or removed
     * @param metaDataDirty Jetty's flag: access times or expiry changed
     * @param lastSaved     when the session was last stored, 0 if never
     * @param unsaved       true if the last write reached no node
     * @param savePeriod    Jetty's save period (the store's, read at every store): metadata-only changes wait that long
     * @return true if the session's attributes must be checked and given to {@link #decide}
     */
    public boolean shouldEncode(Trigger trigger, boolean dirty, boolean metaDataDirty, long lastSaved, boolean unsaved, Duration savePeriod, long now)
    {
        if (dirty || unsaved || lastSaved <= 0)
            return true;
        if (trigger == Trigger.RESPONSE_COMMIT)
            return encodeAtEveryCommit;
        return metaDataDirty && now - lastSaved >= Math.max(0, savePeriod.toMillis());
    }

    /**
     * @param stored       what the stored value holds, or null when unknown
     * @param attributesChanged whether the attributes changed since they were last encoded
     * @param record       the session's access state now
     * @param lastSaveTime when the session was stored before this store, 0 if never
     * @param unsaved      true if the last write reached no node
     */
    public Decision decide(StoredState stored, boolean attributesChanged, AccessRecord record, long lastSaveTime, boolean unsaved, long now)
    {
        boolean changed = stored == null || attributesChanged;
        if (changed || mustWriteInFull(stored, record, lastSaveTime, unsaved, now))
            return new Decision(Write.FULL, changed);
        if (sameAccess(record, stored.lastRecord()))
            return new Decision(Write.NOTHING, false);
        return new Decision(Write.ACCESS_RECORD, false);
    }

    private static boolean mustWriteInFull(StoredState stored, AccessRecord record, long lastSaveTime, boolean unsaved, long now)
    {
        AccessRecord last = stored.lastRecord();
        return lastSaveTime <= 0 || unsaved || last == null ||
            stored.appendedRecords() >= MAX_RECORDS || record.maxInactiveMs() != last.maxInactiveMs() ||
            (record.maxInactiveMs() > 0 && now - stored.lastFullWrite() >= record.maxInactiveMs() / 2);
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
}
