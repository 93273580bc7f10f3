package net.jettymemcached.sessions.replication;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

import net.jettymemcached.sessions.id.SessionId;
import net.jettymemcached.sessions.memcached.MemcachedAccess;
import net.jettymemcached.sessions.memcached.MemcachedAccessException;
import net.jettymemcached.sessions.memcached.NodeUnavailableException;
import net.jettymemcached.sessions.node.MemcachedNode;
import net.jettymemcached.sessions.stats.MemcachedSessionStatistics;
import net.jettymemcached.sessions.stats.ThrottledLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the copies of a session live: the primary on the node named in its id, the backup ({@code bak:} key) on the
 * next live node after it. Reads fall back to the backup, writes go to both, deletes remove both; an unavailable node
 * is skipped, never waited for twice.
 */
public final class SessionReplicas
{
    private static final Logger LOG = LoggerFactory.getLogger(SessionReplicas.class);

    private final MemcachedAccess access;
    private final Placement placement;
    private final MemcachedSessionStatistics stats;
    private final ThrottledLog degradedLog = new ThrottledLog(LOG, 10, TimeUnit.SECONDS);

    public SessionReplicas(MemcachedAccess access, Placement placement, MemcachedSessionStatistics stats)
    {
        this.access = access;
        this.placement = placement;
        this.stats = stats;
    }

    /**
     * @return the stored copy, or null if no node has it
     * @throws NodeUnavailableException if neither the primary nor any possible backup node could be asked
     */
    public StoredCopy read(SessionId id, String primaryKey, String backupKey) throws NodeUnavailableException
    {
        MemcachedNode primary = placement.primary(id);
        NodeUnavailableException unavailable = null;
        boolean primaryAnswered = false;
        try
        {
            byte[] value = access.get(primary, primaryKey);
            primaryAnswered = true;
            if (value != null)
                return new StoredCopy(value, false, false);
        }
        catch (NodeUnavailableException x)
        {
            unavailable = x;
        }
        BackupRead backup = searchBackup(id, backupKey);
        if (backup.value() != null)
            return new StoredCopy(backup.value(), true, primaryAnswered);
        boolean anyBackupAnswered = backup.answered();
        if (backup.unavailable() != null)
            unavailable = backup.unavailable();
        if (!primaryAnswered && !anyBackupAnswered && unavailable != null)
            throw new NodeUnavailableException("session " + id + " could not be read: no memcached node answered (" + unavailable.getMessage() + ")");
        return null;
    }

    /** @return the backup copy of a session whose primary copy could not be used, or null */
    public StoredCopy readBackup(SessionId id, String backupKey)
    {
        byte[] value = searchBackup(id, backupKey).value();
        return value == null ? null : new StoredCopy(value, true, true);
    }

    private record BackupRead(byte[] value, boolean answered, NodeUnavailableException unavailable)
    {
    }

    /** The backup lives on the first live node after the primary, or further on if that one died meanwhile. */
    private BackupRead searchBackup(SessionId id, String backupKey)
    {
        boolean answered = false;
        NodeUnavailableException unavailable = null;
        for (MemcachedNode node : placement.backupCandidates(id))
        {
            try
            {
                byte[] value = access.get(node, backupKey);
                answered = true;
                if (value != null)
                {
                    stats.loadedFromBackup();
                    return new BackupRead(value, true, null);
                }
            }
            catch (NodeUnavailableException x)
            {
                unavailable = x;
            }
        }
        return new BackupRead(null, answered, unavailable);
    }

    /**
     * Writes the primary and the backup copy. Succeeds if at least one copy was stored: when only the backup was,
     * the next request moves the session to the backup's node.
     *
     * @throws MemcachedAccessException if no copy could be stored
     */
    public void write(SessionId id, String primaryKey, String backupKey, int ttl, byte[] value) throws MemcachedAccessException
    {
        MemcachedNode primary = placement.primary(id);
        MemcachedAccessException primaryFailure = null;
        int copies = 0;
        try
        {
            access.set(primary, primaryKey, ttl, value);
            copies++;
        }
        catch (MemcachedAccessException x)
        {
            primaryFailure = x;
        }

        Optional<MemcachedNode> backup = placement.backup(id);
        MemcachedAccessException backupFailure = null;
        if (backup.isPresent())
        {
            try
            {
                access.set(backup.get(), backupKey, ttl, value);
                copies++;
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
        stats.written(value.length * copies);
        if (primaryFailure != null)
            degradedLog.warn("session {} stored on its backup node only: {}", id, primaryFailure.getMessage());
        else if (backupFailure != null)
            degradedLog.warn("session {} stored without backup: {}", id, backupFailure.getMessage());
    }

    /**
     * Appends an access record to the primary copy only (the backup is refreshed by the next full write).
     *
     * @return false if the primary copy is missing or its node unavailable: the caller then writes in full
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

    /** Copies a value found in the backup back to the primary node that lost it. Best effort. */
    public void restorePrimary(SessionId id, String primaryKey, int ttl, byte[] value)
    {
        try
        {
            access.set(placement.primary(id), primaryKey, ttl, value);
            stats.restoredPrimary();
        }
        catch (MemcachedAccessException x)
        {
            degradedLog.warn("primary copy of session {} could not be restored: {}", id, x.getMessage());
        }
    }

    /**
     * Deletes every copy: the primary and its lock, and the backup on any live node after it (the backup moves when a
     * node dies). Never throws: a node that is down cannot serve the copy anyway, and its value expires.
     *
     * @return true if the primary copy existed and was deleted
     */
    public boolean delete(SessionId id, String primaryKey, String backupKey, String lockKey)
    {
        MemcachedNode primary = placement.primary(id);
        boolean deleted = false;
        try
        {
            deleted = access.delete(primary, primaryKey);
        }
        catch (NodeUnavailableException x)
        {
            LOG.debug("primary copy of {} not deleted: {}", id, x.getMessage());
        }
        deleteQuietly(placement.lockNode(id), lockKey);
        for (MemcachedNode node : placement.backupCandidates(id))
            deleteQuietly(node, backupKey);
        return deleted;
    }

    private void deleteQuietly(MemcachedNode node, String key)
    {
        try
        {
            access.delete(node, key);
        }
        catch (NodeUnavailableException x)
        {
            LOG.debug("{} not deleted on {}: {}", key, node, x.getMessage());
        }
    }
}
