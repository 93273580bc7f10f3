package net.jettymemcached.sessions.replication;

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
 */
public record StoredCopy(byte[] value, CopyVersion version, long primaryCas, boolean fromBackup, boolean restorePrimary, long primaryOldCas)
{
    public boolean isTombstone()
    {
        return version.isMarker();
    }
}
