package net.jettymemcached.sessions.replication;

import net.jettymemcached.sessions.memcached.Stamp;

/**
 * The current copy of a session as a read found it (see {@link ReadPlan}).
 *
 * @param value          the stored bytes (a session or a tombstone)
 * @param version        its version
 * @param primaryCas     the CAS unique of the primary copy when this is it (a write of the session loaded from it
 *                       may replace exactly that copy), else -1
 * @param fromBackup     true if this is a {@code bak:} copy
 * @param restorePrimary true if the primary node answered with no copy or an older one: this one should be copied
 *                       back to it
 * @param primaryOldCas  the CAS unique of the primary's older copy to replace when restoring, -1 if it had none
 * @param backupNode     the node the backup is written to now ({@link Placement#backup}), null if none answered
 * @param backupStamp    the stamp of the backup copy there, null if it has none or it is unknown
 */
public record StoredCopy(byte[] value, CopyVersion version, long primaryCas, boolean fromBackup, boolean restorePrimary, long primaryOldCas,
                         String backupNode, Stamp backupStamp)
{
    /** @return what this read learned of the copies' CAS uniques, for the session's next write */
    public KnownCas known()
    {
        KnownCas known = new KnownCas();
        known.primary(primaryCas);
        if (backupNode != null)
            known.backup(backupNode, backupStamp);
        return known;
    }

    public boolean isTombstone()
    {
        return version.isMarker();
    }
}
