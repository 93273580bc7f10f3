package net.jettymemcached.sessions.replication;

import java.util.function.LongConsumer;
import java.util.function.Supplier;

import net.jettymemcached.sessions.memcached.CasOutcome;
import net.jettymemcached.sessions.memcached.Item;
import net.jettymemcached.sessions.memcached.MemcachedAccess;
import net.jettymemcached.sessions.memcached.MemcachedAccessException;
import net.jettymemcached.sessions.memcached.NodeClient;
import net.jettymemcached.sessions.memcached.Stamp;
import net.jettymemcached.sessions.node.MemcachedNode;

/**
 * The conditional write of one copy on one node, by the version rules of {@link CopyVersion}: {@code add} where there
 * must be nothing, CAS over exactly the copy a session was loaded from, CAS over an older copy; each retried when
 * the key changed between reading its version and writing. {@link SessionReplicas} decides which copies to write.
 */
final class CopyWrites
{
    /** Conditional writes retried when the copy changed between reading its stamp and writing. */
    private static final int ATTEMPTS = 3;

    private final MemcachedAccess access;

    CopyWrites(MemcachedAccess access)
    {
        this.access = access;
    }

    /**
     * Replaces the primary copy only if it is still the one this session was loaded from (by CAS). A primary that
     * is missing (its node restarted, or it expired) is created again, unless a backup shows that the session ended
     * or was written since.
     *
     * @param known its CAS unique, taken from and given back to (-1 if unknown)
     */
    WriteOutcome replace(MemcachedNode node, String key, int ttl, Item item, CopyVersion loadedFrom, KnownCas known,
                         Supplier<WriteOutcome> backupsAllow) throws MemcachedAccessException
    {
        long cas = known.takePrimary();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++)
        {
            if (cas < 0)
            {
                Stamp stamp = access.stamp(node, key);
                if (stamp == null)
                {
                    WriteOutcome backups = backupsAllow.get();
                    if (backups != WriteOutcome.STORED)
                        return backups;
                    if (stored(access.store(node, key, -1, ttl, item), known))
                        return WriteOutcome.STORED;
                    continue;
                }
                CopyVersion stored = CopyVersion.ofFlags(stamp.flags());
                if (stored.isMarker())
                    return WriteOutcome.GONE;
                if (loadedFrom != null && !stored.equals(loadedFrom))
                    return WriteOutcome.CONFLICT;
                cas = stamp.cas();
            }
            if (stored(access.store(node, key, cas, ttl, item), known))
                return WriteOutcome.STORED;
            cas = -1;
        }
        return WriteOutcome.CONFLICT;
    }

    private static boolean stored(NodeClient.Stored answer, KnownCas known)
    {
        if (answer.outcome() != CasOutcome.STORED)
            return false;
        known.primary(answer.cas());
        return true;
    }

    /**
     * Writes the copy of a new session (or id) with {@code add}. A new id that is taken may be an id this session had
     * before and moved away from (its nodes died in turn): then it holds the tombstone of that move, older than this
     * copy, which replaces it. Anything else there: in use.
     */
    WriteOutcome create(MemcachedNode node, String key, int ttl, Item item, KnownCas known) throws MemcachedAccessException
    {
        if (stored(access.store(node, key, -1, ttl, item), known))
            return WriteOutcome.STORED;
        WriteOutcome outcome = writeOver(node, key, ttl, item, true, cas -> known.primary(cas));
        return outcome == WriteOutcome.STORED ? outcome : WriteOutcome.IN_USE;
    }

    /**
     * Writes a backup copy over an older one (or none), never over a newer copy or a tombstone: in one operation when
     * the backup there is known ({@link KnownCas}) and older.
     *
     * @param known the backup's stamp, taken from and given back to
     * @return STORED, or why not
     */
    WriteOutcome writeBackup(MemcachedNode node, String key, int ttl, Item item, boolean isNew, KnownCas known) throws MemcachedAccessException
    {
        LongConsumer written = cas -> known.backup(node.id(), cas < 0 ? null : new Stamp(cas, item.flags()));
        Stamp last = known.takeBackup(node.id());
        if (last != null && CopyVersion.ofFlags(item.flags()).isNewerThan(CopyVersion.ofFlags(last.flags())))
        {
            NodeClient.Stored answer = access.store(node, key, last.cas(), ttl, item);
            if (answer.outcome() == CasOutcome.STORED)
            {
                written.accept(answer.cas());
                return WriteOutcome.STORED;
            }
        }
        else if (isNew)
        {
            NodeClient.Stored answer = access.store(node, key, -1, ttl, item);
            if (answer.outcome() == CasOutcome.STORED)
            {
                written.accept(answer.cas()); // the usual case for a new session: one operation
                return WriteOutcome.STORED;
            }
        }
        return writeOver(node, key, ttl, item, false, written);
    }

    /** Writes a copy over an older one (or none), never over a newer copy or a tombstone. */
    WriteOutcome writeIfNewer(MemcachedNode node, String key, int ttl, Item item, boolean isNew) throws MemcachedAccessException
    {
        return writeBackup(node, key, ttl, item, isNew, new KnownCas());
    }

    /**
     * Writes a copy over an older one or none (by {@code add} or CAS, retried when the key changed in between).
     *
     * @param onlyOverMoves true to replace nothing but the tombstone of an older move
     * @param written       is given the copy's new CAS unique (-1 if unknown) when it was written
     */
    private WriteOutcome writeOver(MemcachedNode node, String key, int ttl, Item item, boolean onlyOverMoves, LongConsumer written) throws MemcachedAccessException
    {
        CopyVersion version = CopyVersion.ofFlags(item.flags());
        for (int attempt = 0; attempt < ATTEMPTS; attempt++)
        {
            Stamp stamp = access.stamp(node, key);
            if (stamp == null)
            {
                NodeClient.Stored answer = access.store(node, key, -1, ttl, item);
                if (answer.outcome() == CasOutcome.STORED)
                {
                    written.accept(answer.cas());
                    return WriteOutcome.STORED;
                }
                continue;
            }
            CopyVersion stored = CopyVersion.ofFlags(stamp.flags());
            if (onlyOverMoves && !stored.moved())
                return WriteOutcome.CONFLICT;
            if (stored.tombstone() && !version.tombstone())
                return WriteOutcome.GONE;
            if (!version.isNewerThan(stored))
            {
                if (!stored.equals(version))
                    return WriteOutcome.CONFLICT;
                written.accept(stamp.cas());
                return WriteOutcome.STORED;
            }
            NodeClient.Stored answer = access.store(node, key, stamp.cas(), ttl, item);
            if (answer.outcome() == CasOutcome.STORED)
            {
                written.accept(answer.cas());
                return WriteOutcome.STORED;
            }
        }
        return WriteOutcome.CONFLICT;
    }
}
