package net.jettymemcached.sessions.format;

import java.nio.ByteBuffer;

import org.eclipse.jetty.session.SessionData;

/**
 * The part of a session that changes on every request that only reads it: access times and expiry. Such a request
 * appends one of these to the stored value instead of rewriting the whole session, so that every Jetty still sees the
 * right expiry. Fields: generation of the copy it was appended to, saved-at, accessed, last accessed, expiry, max
 * inactive (i64 each); how they are sealed (CRC, or an HMAC with the signing key) is {@link AccessRecords}'. A
 * record whose generation is not its copy's (appended by a Jetty that had not seen a newer write) is ignored.
 */
public record AccessRecord(long generation, long savedAt, long accessed, long lastAccessed, long expiry, long maxInactiveMs)
{
    /** Bytes of the fields. */
    static final int FIELDS = 6 * 8;
    /** Bytes of an unsigned record: magic, fields, CRC32. */
    public static final int SIZE = 2 + FIELDS + 4;

    public static AccessRecord of(SessionData data, long generation)
    {
        return new AccessRecord(generation, data.getLastSaved(), data.getAccessed(), data.getLastAccessed(), data.getExpiry(), data.getMaxInactiveMs());
    }

    void writeFields(ByteBuffer buffer)
    {
        buffer.putLong(generation).putLong(savedAt).putLong(accessed).putLong(lastAccessed).putLong(expiry).putLong(maxInactiveMs);
    }

    static AccessRecord readFields(ByteBuffer buffer)
    {
        return new AccessRecord(buffer.getLong(), buffer.getLong(), buffer.getLong(), buffer.getLong(), buffer.getLong(), buffer.getLong());
    }

    /** Applies this record to a session loaded from an older full write. */
    public void applyTo(SessionData data)
    {
        data.setAccessed(accessed);
        data.setLastAccessed(lastAccessed);
        data.setExpiry(expiry);
        data.setMaxInactiveMs(maxInactiveMs);
        data.setLastSaved(savedAt);
    }
}
