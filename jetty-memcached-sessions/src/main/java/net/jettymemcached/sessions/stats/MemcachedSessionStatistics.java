package net.jettymemcached.sessions.stats;

import java.util.concurrent.atomic.LongAdder;

import org.eclipse.jetty.util.annotation.ManagedAttribute;
import org.eclipse.jetty.util.annotation.ManagedObject;
import org.eclipse.jetty.util.annotation.ManagedOperation;

/**
 * Counters shared by every context of a server. They are what an operator (over JMX) and the tests look at to see
 * that failures are noticed rather than hidden.
 */
@ManagedObject("memcached session counters")
public class MemcachedSessionStatistics
{
    private final LongAdder loads = new LongAdder();
    private final LongAdder backupLoads = new LongAdder();
    private final LongAdder primaryRestores = new LongAdder();
    private final LongAdder relocations = new LongAdder();
    private final LongAdder writes = new LongAdder();
    private final LongAdder writeFailures = new LongAdder();
    private final LongAdder backupWriteFailures = new LongAdder();
    private final LongAdder bytesWritten = new LongAdder();
    private final LongAdder unreadableSessions = new LongAdder();
    private final LongAdder rejectedIds = new LongAdder();
    private final LongAdder asyncWritesSuperseded = new LongAdder();
    private final LongAdder lockWaits = new LongAdder();
    private final LongAdder lockTimeouts = new LongAdder();
    private final LongAdder lockRejections = new LongAdder();
    private final LongAdder lockTimeoutsProceeded = new LongAdder();
    private final LongAdder lockRenewals = new LongAdder();
    private final LongAdder locksLost = new LongAdder();
    private final LongAdder fencedWrites = new LongAdder();
    private final LongAdder orphanedLocksReleased = new LongAdder();
    private final LongAdder accessAppends = new LongAdder();
    private final LongAdder unchangedWritesSkipped = new LongAdder();
    private final LongAdder oversizedSessions = new LongAdder();
    private final LongAdder writeConflicts = new LongAdder();
    private final LongAdder writesOfEndedSessions = new LongAdder();
    private final LongAdder newIdsInUse = new LongAdder();
    private final LongAdder accessRecordsNotAppended = new LongAdder();
    private final LongAdder accessRecordsIgnored = new LongAdder();
    private final LongAdder staleCopiesDropped = new LongAdder();
    private final LongAdder revalidations = new LongAdder();
    private final LongAdder asyncWritesUnwritten = new LongAdder();
    private final LongAdder tombstones = new LongAdder();
    private final LongAdder authenticationFailures = new LongAdder();
    private final LongAdder serializationNanos = new LongAdder();
    private final LongAdder deserializationNanos = new LongAdder();

    public void serialized(long nanos) { serializationNanos.add(nanos); }
    public void deserialized(long nanos) { deserializationNanos.add(nanos); }
    public void loaded() { loads.increment(); }
    public void loadedFromBackup() { backupLoads.increment(); }
    public void restoredPrimary() { primaryRestores.increment(); }
    public void relocated() { relocations.increment(); }
    public void written(int bytes) { writes.increment(); bytesWritten.add(bytes); }
    public void backupWritten(int bytes) { bytesWritten.add(bytes); }
    public void writeFailed() { writeFailures.increment(); }
    public void backupWriteFailed() { backupWriteFailures.increment(); }
    public void unreadable() { unreadableSessions.increment(); }
    public void rejectedId() { rejectedIds.increment(); }
    public void asyncWriteSuperseded() { asyncWritesSuperseded.increment(); }
    public void lockWaited() { lockWaits.increment(); }
    public void lockTimedOut() { lockTimeouts.increment(); }
    public void lockRejected() { lockRejections.increment(); }
    public void lockProceededUnlocked() { lockTimeoutsProceeded.increment(); }
    public void lockRenewed() { lockRenewals.increment(); }
    public void lockLost() { locksLost.increment(); }
    public void fencedWrite() { fencedWrites.increment(); }
    public void orphanedLockReleased() { orphanedLocksReleased.increment(); }
    public void appended(int bytes) { accessAppends.increment(); bytesWritten.add(bytes); }
    public void skippedWrite() { unchangedWritesSkipped.increment(); }
    public void writeConflicted() { writeConflicts.increment(); }
    public void writeOfEndedSession() { writesOfEndedSessions.increment(); }
    public void newIdInUse() { newIdsInUse.increment(); }
    public void accessRecordNotAppended() { accessRecordsNotAppended.increment(); }
    public void accessRecordsIgnored(int records) { accessRecordsIgnored.add(records); }
    public void staleCopyDropped() { staleCopiesDropped.increment(); }
    public void revalidated() { revalidations.increment(); }
    public void asyncWriteUnwritten() { asyncWritesUnwritten.increment(); }
    public void tombstoned() { tombstones.increment(); }
    public void sessionTooLarge() { oversizedSessions.increment(); }
    public void authenticationFailed() { authenticationFailures.increment(); }

    @ManagedAttribute("Sessions loaded from memcached")
    public long getLoads() { return loads.sum(); }

    @ManagedAttribute("Sessions loaded from their backup copy")
    public long getBackupLoads() { return backupLoads.sum(); }

    @ManagedAttribute("Empty primaries (restarted node) restored from the backup")
    public long getPrimaryRestores() { return primaryRestores.sum(); }

    @ManagedAttribute("Sessions moved to another node because theirs died")
    public long getRelocations() { return relocations.sum(); }

    @ManagedAttribute("Session writes (primary and backup counted once)")
    public long getWrites() { return writes.sum(); }

    @ManagedAttribute("Session writes that reached no node")
    public long getWriteFailures() { return writeFailures.sum(); }

    @ManagedAttribute("Backup copies that could not be written")
    public long getBackupWriteFailures() { return backupWriteFailures.sum(); }

    @ManagedAttribute("Bytes sent in session values (primary and backup)")
    public long getBytesWritten() { return bytesWritten.sum(); }

    @ManagedAttribute("Stored sessions that could not be read and were discarded")
    public long getUnreadableSessions() { return unreadableSessions.sum(); }

    @ManagedAttribute("Malformed or forged session ids refused without touching memcached")
    public long getRejectedIds() { return rejectedIds.sum(); }

    @ManagedAttribute("Queued asynchronous writes replaced by a newer write of the same session")
    public long getAsyncWritesSuperseded() { return asyncWritesSuperseded.sum(); }

    @ManagedAttribute("Locks obtained only after waiting for another request")
    public long getLockWaits() { return lockWaits.sum(); }

    @ManagedAttribute("Locks not obtained within lockTimeout")
    public long getLockTimeouts() { return lockTimeouts.sum(); }

    @ManagedAttribute("Requests answered 503 after a lock timeout (lockTimeoutAction=reject)")
    public long getLockRejections() { return lockRejections.sum(); }

    @ManagedAttribute("Requests served without their lock after a lock timeout (lockTimeoutAction=proceed)")
    public long getLockTimeoutsProceeded() { return lockTimeoutsProceeded.sum(); }

    @ManagedAttribute("Locks renewed because their request ran for a third of lockExpiration or longer")
    public long getLockRenewals() { return lockRenewals.sum(); }

    @ManagedAttribute("Locks found expired, taken by another request or unconfirmable while their request ran (logged)")
    public long getLocksLost() { return locksLost.sum(); }

    @ManagedAttribute("Session writes refused because the request's lock was lost: its changes are not stored (logged)")
    public long getFencedWrites() { return fencedWrites.sum(); }

    @ManagedAttribute("Locks left behind by a lock operation that timed out or a release that failed, released when their node answered again")
    public long getOrphanedLocksReleased() { return orphanedLocksReleased.sum(); }

    @ManagedAttribute("Requests that left the attributes unchanged and only appended a small access record")
    public long getAccessAppends() { return accessAppends.sum(); }

    @ManagedAttribute("Requests that wrote nothing at all: nothing changed since the last write")
    public long getSkippedWrites() { return unchangedWritesSkipped.sum(); }

    @ManagedAttribute("Session writes refused because the value exceeded maxSessionSize.bytes; the previous copy stays")
    public long getOversizedSessions() { return oversizedSessions.sum(); }

    @ManagedAttribute("Session writes refused because another Jetty had written a newer copy since this one was loaded")
    public long getWriteConflicts() { return writeConflicts.sum(); }

    @ManagedAttribute("Session writes refused because the session had ended or moved (a tombstone) since it was loaded")
    public long getWritesOfEndedSessions() { return writesOfEndedSessions.sum(); }

    @ManagedAttribute("New sessions not written because their id was already taken")
    public long getNewIdsInUse() { return newIdsInUse.sum(); }

    @ManagedAttribute("Access records not appended because the primary copy was missing or its node down (nothing is written instead)")
    public long getAccessRecordsNotAppended() { return accessRecordsNotAppended.sum(); }

    @ManagedAttribute("Appended access records ignored on load: damaged, not authenticated by the signing key, or of another copy")
    public long getAccessRecordsIgnored() { return accessRecordsIgnored.sum(); }

    @ManagedAttribute("Cached sticky copies dropped because memcached held a newer copy or a tombstone")
    public long getStaleCopiesDropped() { return staleCopiesDropped.sum(); }

    @ManagedAttribute("Cached sticky copies confirmed against memcached (one small read each)")
    public long getRevalidations() { return revalidations.sum(); }

    @ManagedAttribute("Queued asynchronous writes still unwritten when the writer stopped (logged)")
    public long getAsyncWritesUnwritten() { return asyncWritesUnwritten.sum(); }

    @ManagedAttribute("Sessions ended or moved: their copies replaced by tombstones")
    public long getTombstones() { return tombstones.sum(); }

    @ManagedAttribute("SASL logins a node refused (every attempt: the client tries again about once a second; logged once, then at most once a minute)")
    public long getAuthenticationFailures() { return authenticationFailures.sum(); }

    @ManagedAttribute("Time spent encoding sessions (ms, all stores)")
    public long getSerializationMillis() { return serializationNanos.sum() / 1_000_000; }

    @ManagedAttribute("Time spent decoding sessions (ms, all loads)")
    public long getDeserializationMillis() { return deserializationNanos.sum() / 1_000_000; }

    @ManagedOperation(value = "Reset all counters", impact = "ACTION")
    public void reset()
    {
        for (LongAdder adder : new LongAdder[]{loads, backupLoads, primaryRestores, relocations, writes, writeFailures,
            backupWriteFailures, bytesWritten, unreadableSessions, rejectedIds, asyncWritesSuperseded, lockWaits, lockTimeouts,
            lockRejections, lockTimeoutsProceeded, lockRenewals, locksLost, fencedWrites, orphanedLocksReleased, accessAppends, unchangedWritesSkipped, oversizedSessions,
            serializationNanos, deserializationNanos, writeConflicts, writesOfEndedSessions, newIdsInUse, accessRecordsNotAppended, accessRecordsIgnored, staleCopiesDropped, revalidations, asyncWritesUnwritten, tombstones,
            authenticationFailures})
        {
            adder.reset();
        }
    }

    @Override
    public String toString()
    {
        return getClass().getSimpleName() + "@" + Integer.toHexString(hashCode()) + "{loads=" + getLoads() + " backupLoads=" + getBackupLoads() + " restores=" + getPrimaryRestores() +
            " relocations=" + getRelocations() + " writes=" + getWrites() + " writeFailures=" + getWriteFailures() +
            " backupWriteFailures=" + getBackupWriteFailures() + " unreadable=" + getUnreadableSessions() +
            " rejectedIds=" + getRejectedIds() + " appends=" + getAccessAppends() + " skipped=" + getSkippedWrites() + " oversized=" + getOversizedSessions() +
            " conflicts=" + getWriteConflicts() + " gone=" + getWritesOfEndedSessions() + " idsInUse=" + getNewIdsInUse() + " tombstones=" + getTombstones() +
            " authenticationFailures=" + getAuthenticationFailures() + "}";
    }
}
