package net.jettymemcached.sessions.replication;

import java.util.function.Supplier;

import net.jettymemcached.sessions.memcached.CasOutcome;
import net.jettymemcached.sessions.memcached.Item;
import net.jettymemcached.sessions.memcached.MemcachedAccess;
import net.jettymemcached.sessions.memcached.MemcachedAccessException;
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
     */
    WriteOutcome replace(MemcachedNode node, String key, int ttl, Item item, CopyVersion loadedFrom, long knownCas,
                         Supplier<WriteOutcome> backupsAllow) throws MemcachedAccessException
    {
        long cas = knownCas;
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
                    if (access.add(node, key, ttl, item))
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
            CasOutcome outcome = access.cas(node, key, cas, ttl, item);
            if (outcome == CasOutcome.STORED)
                return WriteOutcome.STORED;
            cas = -1;
        }
        return WriteOutcome.CONFLICT;
    }

    /**
     * Writes the copy of a new session (or id) with {@code add}. A new id that is taken may be an id this session had
     * before and moved away from (its nodes died in turn): then it holds the tombstone of that move, older than this
     * copy, which replaces it. Anything else there: in use.
     */
    WriteOutcome create(MemcachedNode node, String key, int ttl, Item item) throws MemcachedAccessException
    {
        if (access.add(node, key, ttl, item))
            return WriteOutcome.STORED;
        WriteOutcome outcome = writeOver(node, key, ttl, item, true);
        return outcome == WriteOutcome.STORED ? outcome : WriteOutcome.IN_USE;
    }

    /**
     * Writes a copy over an older one (or none), never over a newer copy or a tombstone.
     *
     * @return STORED, or why not
     */
    WriteOutcome writeIfNewer(MemcachedNode node, String key, int ttl, Item item, boolean isNew) throws MemcachedAccessException
    {
        if (isNew && access.add(node, key, ttl, item))
            return WriteOutcome.STORED; // the usual case for a new session: one operation
        return writeOver(node, key, ttl, item, false);
    }

    /**
     * Writes a copy over an older one or none (by {@code add} or CAS, retried when the key changed in between).
     *
     * @param onlyOverMoves true to replace nothing but the tombstone of an older move
     */
    private WriteOutcome writeOver(MemcachedNode node, String key, int ttl, Item item, boolean onlyOverMoves) throws MemcachedAccessException
    {
        CopyVersion version = CopyVersion.ofFlags(item.flags());
        for (int attempt = 0; attempt < ATTEMPTS; attempt++)
        {
            Stamp stamp = access.stamp(node, key);
            if (stamp == null)
            {
                if (access.add(node, key, ttl, item))
                    return WriteOutcome.STORED;
                continue;
            }
            CopyVersion stored = CopyVersion.ofFlags(stamp.flags());
            if (onlyOverMoves && !stored.moved())
                return WriteOutcome.CONFLICT;
            if (stored.tombstone() && !version.tombstone())
                return WriteOutcome.GONE;
            if (!version.isNewerThan(stored))
                return stored.equals(version) ? WriteOutcome.STORED : WriteOutcome.CONFLICT;
            if (access.cas(node, key, stamp.cas(), ttl, item) == CasOutcome.STORED)
                return WriteOutcome.STORED;
        }
        return WriteOutcome.CONFLICT;
    }
}
