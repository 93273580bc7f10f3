package net.jettymemcached.sessions.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import net.jettymemcached.sessions.id.SessionId;
import net.jettymemcached.sessions.memcached.CasOutcome;
import net.jettymemcached.sessions.memcached.Fetched;
import net.jettymemcached.sessions.memcached.Item;
import net.jettymemcached.sessions.memcached.MemcachedAccess;
import net.jettymemcached.sessions.memcached.MemcachedAccessException;
import net.jettymemcached.sessions.memcached.NodeUnavailableException;
import net.jettymemcached.sessions.memcached.Pending;
import net.jettymemcached.sessions.memcached.Stamp;
import net.jettymemcached.sessions.node.MemcachedNode;
import net.jettymemcached.sessions.stats.MemcachedSessionStatistics;
import net.jettymemcached.sessions.stats.ThrottledLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the copies of a session live and how they change: the primary on the node named in its id, the backup
 * ({@code bak:} key) on the next live node after it. Every copy carries its version in its item flags
 * ({@link CopyVersion}); reads take the newest copy ({@link ReadPlan}), and nothing here ever writes blindly over a
 * copy another Jetty may have changed:
 * <ul>
 * <li>a new session is written with {@code add};</li>
 * <li>a loaded session replaces, by CAS, only the primary copy it was loaded from (same generation), and a backup
 * only if that backup is older;</li>
 * <li>the end of a session (or its move) replaces every copy with a tombstone, which no write replaces.</li>
 * </ul>
 * An unavailable node is skipped, never waited for twice.
 */
public final class SessionReplicas
{
    private static final Logger LOG = LoggerFactory.getLogger(SessionReplicas.class);

    private final MemcachedAccess access;
    private final Placement placement;
    private final MemcachedSessionStatistics stats;
    private final ThrottledLog degradedLog = new ThrottledLog(LOG, 10, TimeUnit.SECONDS);

    private final PendingTombstones pendingTombstones;
    private final CopyWrites copyWrites;

    public SessionReplicas(MemcachedAccess access, Placement placement, MemcachedSessionStatistics stats, PendingTombstones pendingTombstones)
    {
        this.access = access;
        this.placement = placement;
        this.stats = stats;
        this.pendingTombstones = pendingTombstones;
        this.copyWrites = new CopyWrites(access);
    }

    /**
     * Reads the primary copy and the versions of the backups (without their values), and fetches the newest.
     *
     * @return the current copy (a session or a tombstone), or null if no node has one
     * @throws NodeUnavailableException if no node that may hold a copy answered
     */
    public StoredCopy read(SessionId id, String primaryKey, String backupKey) throws NodeUnavailableException
    {
        // All at once: one round trip, not one per node.
        Pending<Fetched> primaryRead = access.getsAsync(placement.primary(id), primaryKey);
        List<MemcachedNode> backupNodes = placement.backupCandidates(id);
        List<Pending<Stamp>> backupReads = new ArrayList<>(backupNodes.size());
        for (MemcachedNode node : backupNodes)
            backupReads.add(access.stampAsync(node, backupKey));
        Fetched primary = null;
        CopyState primaryState;
        try
        {
            primary = primaryRead.await();
            primaryState = primary == null ? CopyState.MISSING : CopyState.present(CopyVersion.ofFlags(primary.flags()));
        }
        catch (NodeUnavailableException x)
        {
            primaryState = CopyState.UNREACHABLE;
        }
        List<CopyState> backups = new ArrayList<>(backupReads.size());
        Stamp nextBackup = null;
        for (int i = 0; i < backupReads.size(); i++)
        {
            Stamp stamp = stampOf(backupReads.get(i));
            backups.add(stamp == UNREACHABLE ? CopyState.UNREACHABLE : stamp == null ? CopyState.MISSING : CopyState.present(CopyVersion.ofFlags(stamp.flags())));
            if (i == 0 && stamp != UNREACHABLE)
                nextBackup = stamp;
        }
        String backupNode = backupNodes.isEmpty() || backups.get(0) == CopyState.UNREACHABLE ? null : backupNodes.get(0).id();
        ReadPlan plan = ReadPlan.choose(primaryState, backups);
        if (plan.unavailable())
            throw new NodeUnavailableException("session " + id + " could not be read: no memcached node answered");
        if (!plan.found())
            return null;
        if (plan.source() == ReadPlan.PRIMARY)
            return new StoredCopy(primary.value(), CopyVersion.ofFlags(primary.flags()), primary.cas(), false, false, -1, backupNode, nextBackup);
        MemcachedNode node = backupNodes.get(plan.source() - 1);
        Fetched backup = access.gets(node, backupKey);
        if (backup == null)
            return null; // gone between the two reads: expired or its node restarted
        stats.loadedFromBackup();
        return new StoredCopy(backup.value(), CopyVersion.ofFlags(backup.flags()), -1, true, plan.restorePrimary(),
            primary == null ? -1 : primary.cas(), null, null);
    }

    /**
     * @param damagedPrimaryCas the CAS unique of the damaged primary copy, which the backup then replaces; -1 if none
     * @return the newest backup copy of a session whose primary copy could not be used, or null
     */
    public StoredCopy readBackup(SessionId id, String backupKey, long damagedPrimaryCas)
    {
        List<MemcachedNode> nodes = placement.backupCandidates(id);
        ReadPlan plan = ReadPlan.choose(CopyState.UNREACHABLE, backupStates(nodes, backupKey));
        if (!plan.found())
            return null;
        try
        {
            Fetched backup = access.gets(nodes.get(plan.source() - 1), backupKey);
            return backup == null ? null : new StoredCopy(backup.value(), CopyVersion.ofFlags(backup.flags()), -1, true, damagedPrimaryCas >= 0, damagedPrimaryCas, null, null);
        }
        catch (NodeUnavailableException x)
        {
            return null;
        }
    }

    private List<CopyState> backupStates(List<MemcachedNode> nodes, String backupKey)
    {
        List<Pending<Stamp>> reads = new ArrayList<>(nodes.size());
        for (MemcachedNode node : nodes)
            reads.add(access.stampAsync(node, backupKey));
        List<CopyState> states = new ArrayList<>(nodes.size());
        for (Pending<Stamp> read : reads)
            states.add(stateOf(read));
        return states;
    }

    private CopyState stateOf(MemcachedNode node, String key)
    {
        return stateOf(access.stampAsync(node, key));
    }

    /** Marks a stamp read that got no answer (null is a missing copy). */
    private static final Stamp UNREACHABLE = new Stamp(-1, -1);

    /** @return the stamp read, null if there is no copy, {@link #UNREACHABLE} if the node did not answer */
    private static Stamp stampOf(Pending<Stamp> read)
    {
        try
        {
            return read.await();
        }
        catch (NodeUnavailableException x)
        {
            return UNREACHABLE;
        }
    }

    private static CopyState stateOf(Pending<Stamp> read)
    {
        try
        {
            Stamp stamp = read.await();
            return stamp == null ? CopyState.MISSING : CopyState.present(CopyVersion.ofFlags(stamp.flags()));
        }
        catch (NodeUnavailableException x)
        {
            return CopyState.UNREACHABLE;
        }
    }

    /**
     * @return the version of the primary copy, {@link CopyState#MISSING} or {@link CopyState#UNREACHABLE}: one
     * small read, never the value (how a sticky Jetty confirms that its cached copy is still current)
     */
    public CopyState primaryState(SessionId id, String primaryKey)
    {
        return stateOf(placement.primary(id), primaryKey);
    }

    /** @return the versions of the session's backups on the nodes that may hold one, without their values */
    public List<CopyState> backupStates(SessionId id, String backupKey)
    {
        return backupStates(placement.backupCandidates(id), backupKey);
    }

    /**
     * Writes a session's primary and backup copies, conditionally (see the class comment).
     *
     * @param item       the value, its flags holding its version
     * @param isNew      true for a new session (or a new id): its copies must not exist yet
     * @param loadedFrom the version of the copy this session was loaded from or last written as; null if unknown
     *                   (then any copy but a tombstone is replaced)
     * @param known      the CAS uniques of the copies as last read or written, if known; given the new ones
     * @param backupLane when not null, the backup is written through it once the primary is ({@code backupAsync}:
     *                   a hanging backup node never holds back the primary copies of later writes); null: both here
     * @return whether the session was written, or why not
     * @throws MemcachedAccessException if no copy could be stored because nodes failed
     */
    public WriteOutcome write(SessionId id, String primaryKey, String backupKey, int ttl, Item item, boolean isNew, CopyVersion loadedFrom,
                              KnownCas known, AsyncSessionWriter backupLane) throws MemcachedAccessException
    {
        MemcachedNode primary = placement.primary(id);
        MemcachedAccessException primaryFailure = null;
        int copies = 0;
        try
        {
            WriteOutcome outcome = isNew
                ? copyWrites.create(primary, primaryKey, ttl, item, known)
                : copyWrites.replace(primary, primaryKey, ttl, item, loadedFrom, known, () -> checkBackups(id, backupKey, loadedFrom));
            if (outcome != WriteOutcome.STORED)
                return refused(id, outcome);
            copies++;
        }
        catch (MemcachedAccessException x)
        {
            primaryFailure = x;
        }

        Optional<MemcachedNode> backup = placement.backup(id);
        MemcachedAccessException backupFailure = null;
        if (backup.isPresent() && copies > 0 && backupLane != null)
        {
            stats.written(item.value().length);
            MemcachedNode node = backup.get();
            try
            {
                backupLane.submit(backupKey, new AsyncSessionWriter.PendingWrite(item, () -> writeBackupLater(id, node, backupKey, ttl, item, isNew, known), null));
            }
            catch (Exception x)
            {
                // writeBackupLater handles memcached failures itself; anything else must not fail the stored primary
                degradedLog.warn("session {} stored without backup: {}", id, x.toString());
            }
            return WriteOutcome.STORED;
        }
        if (backup.isPresent())
        {
            try
            {
                WriteOutcome outcome = copyWrites.writeBackup(backup.get(), backupKey, ttl, item, isNew, known);
                if (outcome == WriteOutcome.STORED)
                    copies++;
                else if (copies == 0)
                    return refused(id, outcome);
            }
            catch (MemcachedAccessException x)
            {
                backupFailure = x;
                stats.backupWriteFailed();
            }
        }

        if (copies == 0)
        {
            stats.writeFailed();
            String reason = primaryFailure.getMessage() + (backupFailure == null ? "" : "; backup: " + backupFailure.getMessage());
            throw primaryFailure instanceof NodeUnavailableException
                ? new NodeUnavailableException("session " + id + " was not stored: " + reason)
                : new MemcachedAccessException("session " + id + " was not stored: " + reason);
        }
        stats.written(item.value().length * copies);
        if (primaryFailure != null)
            degradedLog.warn("session {} stored on its backup node only: {}", id, primaryFailure.getMessage());
        else if (backupFailure != null)
            degradedLog.warn("session {} stored without backup: {}", id, backupFailure.getMessage());
        return WriteOutcome.STORED;
    }

    private void writeBackupLater(SessionId id, MemcachedNode node, String backupKey, int ttl, Item item, boolean isNew, KnownCas known)
    {
        try
        {
            if (copyWrites.writeBackup(node, backupKey, ttl, item, isNew, known) == WriteOutcome.STORED)
                stats.backupWritten(item.value().length);
        }
        catch (MemcachedAccessException x)
        {
            stats.backupWriteFailed();
            degradedLog.warn("session {} stored without backup: {}", id, x.getMessage());
        }
    }

    private WriteOutcome refused(SessionId id, WriteOutcome outcome)
    {
        switch (outcome)
        {
            case CONFLICT -> stats.writeConflicted();
            case GONE -> stats.writeOfEndedSession();
            case IN_USE -> stats.newIdInUse();
            default -> { }
        }
        return outcome;
    }

    /** @return STORED if no backup holds a tombstone or a copy newer than {@code loadedFrom} */
    private WriteOutcome checkBackups(SessionId id, String backupKey, CopyVersion loadedFrom)
    {
        for (MemcachedNode node : placement.backupCandidates(id))
        {
            CopyState state = stateOf(node, backupKey);
            if (state.isPresent() && (state.version().tombstone() || loadedFrom != null && state.version().moved() && state.version().isNewerThan(loadedFrom)))
                return WriteOutcome.GONE;
            if (state.isPresent() && loadedFrom != null && state.version().isNewerThan(loadedFrom))
                return WriteOutcome.CONFLICT;
        }
        return WriteOutcome.STORED;
    }

    /**
     * Appends an access record to the primary copy only (the backup is refreshed by the next full write). A record
     * appended to a newer copy than the one it was made for is ignored by readers (it names its generation).
     *
     * @return false if the primary copy is missing or its node unavailable: nothing was written, and nothing is
     * written instead (the session may have ended)
     */
    public boolean appendToPrimary(SessionId id, String primaryKey, byte[] record)
    {
        try
        {
            if (access.append(placement.primary(id), primaryKey, record))
            {
                stats.appended(record.length);
                return true;
            }
        }
        catch (NodeUnavailableException x)
        {
            LOG.debug("append to {} failed: {}", id, x.getMessage());
        }
        return false;
    }

    /** Copies the current copy found in a backup back to the primary node that lost it or holds an older one. Best effort. */
    public void restorePrimary(SessionId id, String primaryKey, int ttl, StoredCopy copy)
    {
        MemcachedNode node = placement.primary(id);
        Item item = new Item(copy.value(), copy.version().flags());
        try
        {
            boolean restored = copy.primaryOldCas() < 0
                ? access.add(node, primaryKey, ttl, item)
                : access.cas(node, primaryKey, copy.primaryOldCas(), ttl, item) == CasOutcome.STORED;
            if (restored)
                stats.restoredPrimary();
        }
        catch (MemcachedAccessException x)
        {
            degradedLog.warn("primary copy of session {} could not be restored: {}", id, x.getMessage());
        }
    }

    /**
     * Replaces every copy by a tombstone: the primary, and the backup on every live node after it (the backup moves
     * when a node dies). The session's lock is left to its holder, which releases it by token: deleting it here would
     * delete the lock of whichever request holds it now. A tombstone is final, so it is written over whatever is there. A node that
     * is down gets its tombstone when it answers again ({@link PendingTombstones}); meanwhile a copy it still holds
     * is older than the tombstones on the others, which every read consults (and the next read copies one over it).
     *
     * @return true if the primary node got its tombstone
     */
    public boolean tombstone(SessionId id, String primaryKey, String backupKey, int ttl, byte[] tombstone, CopyVersion version)
    {
        Item item = new Item(tombstone, version.flags());
        stats.tombstoned();
        MemcachedNode primary = placement.primary(id);
        // A node known only by its id (removed, retired without address) can never be written: nothing is kept for it.
        boolean primaryDone = primary.hasAddress() && setQuietly(primary, primaryKey, ttl, item);
        for (MemcachedNode node : placement.nodes().after(id.nodeId()))
        {
            if (placement.isLive(node.id()))
                setQuietly(node, backupKey, ttl, item);
            else
                pendingTombstones.add(node, backupKey, ttl, item); // it may hold an old backup
        }
        return primaryDone;
    }

    private boolean setQuietly(MemcachedNode node, String key, int ttl, Item item)
    {
        try
        {
            access.set(node, key, ttl, item);
            return true;
        }
        catch (MemcachedAccessException x)
        {
            if (x instanceof NodeUnavailableException)
                pendingTombstones.add(node, key, ttl, item);
            degradedLog.warn("tombstone {} not written on {} (written when it answers again): {}", key, node, x.getMessage());
            return false;
        }
    }
}
