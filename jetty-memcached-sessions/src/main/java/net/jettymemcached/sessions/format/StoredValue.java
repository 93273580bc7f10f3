package net.jettymemcached.sessions.format;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The framing of a stored session value: the length of the session envelope, the envelope, then zero or more
 * {@link AccessRecord}s appended by read-only requests. The last intact record of the envelope's generation is the
 * current access state.
 * <pre>
 * envelopeLength u32 | envelope | AccessRecord*
 * </pre>
 */
public record StoredValue(byte[] envelope, AccessRecord latestAccess, int records)
{
    /** Frames an envelope for a full write. */
    public static byte[] frame(byte[] envelope)
    {
        return ByteBuffer.allocate(4 + envelope.length).putInt(envelope.length).put(envelope).array();
    }

    /**
     * @return the parts of a stored value; the envelope is empty when the framing itself is broken, which the
     * envelope decoder then reports as unreadable
     */
    public static StoredValue parse(byte[] value)
    {
        if (value.length < 4)
            return new StoredValue(new byte[0], null, 0);
        int length = ByteBuffer.wrap(value, 0, 4).getInt();
        if (length < 0 || 4L + length > value.length)
            return new StoredValue(new byte[0], null, 0);
        byte[] envelope = Arrays.copyOfRange(value, 4, 4 + length);
        long generation = SessionEnvelope.generationOf(envelope);
        AccessRecord latest = null;
        int records = 0;
        for (int offset = 4 + length; offset + AccessRecord.SIZE <= value.length; offset += AccessRecord.SIZE)
        {
            AccessRecord record = AccessRecord.decode(value, offset);
            if (record != null && record.generation() == generation)
            {
                latest = record;
                records++;
            }
        }
        return new StoredValue(envelope, latest, records);
    }
}
