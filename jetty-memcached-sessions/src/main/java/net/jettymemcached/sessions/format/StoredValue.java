package net.jettymemcached.sessions.format;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.eclipse.jetty.session.SessionData;

/**
 * The framing of a stored session value: the length of the session envelope, the envelope, then zero or more
 * {@link AccessRecord}s appended by read-only requests ({@link AccessRecords} says which count).
 * <pre>
 * envelopeLength u32 | envelope | AccessRecord*
 * </pre>
 *
 * @param latestAccess the access state the records give, or null if no record counts
 * @param records      the records that count
 * @param ignored      the records that do not: damaged, not authenticated, or of another copy
 */
public record StoredValue(byte[] envelope, AccessRecord latestAccess, int records, int ignored)
{
    /** Frames an envelope for a full write. */
    public static byte[] frame(byte[] envelope)
    {
        return ByteBuffer.allocate(4 + envelope.length).putInt(envelope.length).put(envelope).array();
    }

    /** As {@link #parse(byte[], AccessRecords, SessionData)} for a server without a signing key. */
    public static StoredValue parse(byte[] value)
    {
        return parse(value, AccessRecords.UNSIGNED, null);
    }

    /**
     * @param target the session the value is loaded for (authenticated records are bound to it); null only unsigned
     * @return the parts of a stored value; the envelope is empty when the framing itself is broken, which the
     * envelope decoder then reports as unreadable
     */
    public static StoredValue parse(byte[] value, AccessRecords accessRecords, SessionData target)
    {
        if (value.length < 4)
            return new StoredValue(new byte[0], null, 0, 0);
        int length = ByteBuffer.wrap(value, 0, 4).getInt();
        if (length < 0 || 4L + length > value.length)
            return new StoredValue(new byte[0], null, 0, 0);
        byte[] envelope = Arrays.copyOfRange(value, 4, 4 + length);
        AccessRecords.Scan scan = accessRecords.scan(value, 4 + length, SessionEnvelope.generationOf(envelope), target);
        return new StoredValue(envelope, scan.latest(), scan.counted(), scan.ignored());
    }
}
