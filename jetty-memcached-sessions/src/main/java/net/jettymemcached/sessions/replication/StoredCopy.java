package net.jettymemcached.sessions.replication;

/**
 * A session value as found in memcached.
 *
 * @param value        the stored bytes
 * @param fromBackup   true if the primary copy was missing and this is the {@code bak:} copy
 * @param primaryEmpty true if the primary node answered but had no usable value (it restarted, or its copy is
 *                     damaged): the backup should be copied back to it
 */
public record StoredCopy(byte[] value, boolean fromBackup, boolean primaryEmpty)
{
}
