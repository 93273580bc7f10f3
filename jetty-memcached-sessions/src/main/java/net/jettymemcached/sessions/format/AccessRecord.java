package net.jettymemcached.sessions.format;

import java.nio.ByteBuffer;
import java.util.zip.CRC32;

import org.eclipse.jetty.session.SessionData;

/**
 * The part of a session that changes on every request that only reads it: access times and expiry. Such a request
 * appends one of these (54 bytes) to the stored value instead of rewriting the whole session, so that every Jetty
 * still sees the right expiry. Layout: magic {@code "AR"}, generation of the copy it was appended to, saved-at,
 * accessed, last accessed, expiry, max inactive (i64 each), CRC32 of the preceding bytes. A record whose generation
 * is not its copy's (appended by a Jetty that had not seen a newer write) is ignored.
 */
public record AccessRecord(long generation, long savedAt, long accessed, long lastAccessed, long expiry, long maxInactiveMs)
{
    public static final int SIZE = 2 + 6 * 8 + 4;
    private static final short MAGIC = ('A' << 8) | 'R';

    public static AccessRecord of(SessionData data, long generation)
    {
        return new AccessRecord(generation, data.getLastSaved(), data.getAccessed(), data.getLastAccessed(), data.getExpiry(), data.getMaxInactiveMs());
    }

    public byte[] encode()
    {
        ByteBuffer buffer = ByteBuffer.allocate(SIZE);
        buffer.putShort(MAGIC).putLong(generation).putLong(savedAt).putLong(accessed).putLong(lastAccessed).putLong(expiry).putLong(maxInactiveMs);
        CRC32 crc = new CRC32();
        crc.update(buffer.array(), 0, SIZE - 4);
        buffer.putInt((int)crc.getValue());
        return buffer.array();
    }

    /** @return the record at {@code offset}, or null if those bytes are not an intact record */
    public static AccessRecord decode(byte[] bytes, int offset)
    {
        if (offset < 0 || offset + SIZE > bytes.length)
            return null;
        ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, SIZE);
        if (buffer.getShort() != MAGIC)
            return null;
        CRC32 crc = new CRC32();
        crc.update(bytes, offset, SIZE - 4);
        AccessRecord record = new AccessRecord(buffer.getLong(), buffer.getLong(), buffer.getLong(), buffer.getLong(), buffer.getLong(), buffer.getLong());
        return buffer.getInt() == (int)crc.getValue() ? record : null;
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
