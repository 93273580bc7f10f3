package net.jettymemcached.sessions.format;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;

import net.jettymemcached.sessions.security.Signer;
import org.eclipse.jetty.session.SessionData;

/**
 * How {@link AccessRecord}s are sealed when appended to a stored value, and which of those appended to it count.
 * Records set a session's expiry and max inactive interval, so with {@code signingKey} set they are authenticated:
 * {@code "AS"} | fields | the first {@value #TAG} bytes of the HMAC of the session's id, context path and virtual
 * host followed by the record (66 bytes); without a key, {@code "AR"} | fields | CRC32 (54 bytes), which only catches
 * damage. On load the record with the latest access time among those that verify and belong to the envelope's
 * generation is the session's access state (a replayed older record changes nothing); every other record is
 * ignored and counted, never applied.
 */
public final class AccessRecords
{
    /** Bytes of the HMAC kept: 128 bits, beyond guessing for a record whose forgery gains at most an idle session. */
    static final int TAG = 16;
    static final int SIGNED_SIZE = 2 + AccessRecord.FIELDS + TAG;
    private static final short UNSIGNED_MAGIC = ('A' << 8) | 'R';
    private static final short SIGNED_MAGIC = ('A' << 8) | 'S';

    /** Records of a server without a signing key. */
    public static final AccessRecords UNSIGNED = new AccessRecords(null);

    private final Signer signer;

    /** @param signer authenticates records, or null when signing is off */
    public AccessRecords(Signer signer)
    {
        this.signer = signer;
    }

    /** The access state of a stored value: the record that counts (null if none), and how many were ignored. */
    public record Scan(AccessRecord latest, int counted, int ignored)
    {
    }

    /** @return the bytes to append for {@code record} of the session {@code data} */
    public byte[] encode(AccessRecord record, SessionData data)
    {
        if (signer == null)
        {
            ByteBuffer buffer = ByteBuffer.allocate(AccessRecord.SIZE);
            buffer.putShort(UNSIGNED_MAGIC);
            record.writeFields(buffer);
            CRC32 crc = new CRC32();
            crc.update(buffer.array(), 0, AccessRecord.SIZE - 4);
            buffer.putInt((int)crc.getValue());
            return buffer.array();
        }
        ByteBuffer buffer = ByteBuffer.allocate(SIGNED_SIZE);
        buffer.putShort(SIGNED_MAGIC);
        record.writeFields(buffer);
        signer.tag(binding(data), buffer.array(), 0, SIGNED_SIZE - TAG, TAG);
        return buffer.array();
    }

    /**
     * Reads the records of {@code value} from {@code offset} on.
     *
     * @param generation the envelope's generation: records appended to another copy do not count
     * @param target     the session the value was loaded for (the records are bound to its id, context and vhost)
     */
    public Scan scan(byte[] value, int offset, long generation, SessionData target)
    {
        byte[] binding = signer == null ? null : binding(target);
        AccessRecord latest = null;
        int counted = 0;
        int ignored = 0;
        while (offset + 2 <= value.length)
        {
            short magic = (short)(((value[offset] & 0xFF) << 8) | (value[offset + 1] & 0xFF));
            int size = magic == SIGNED_MAGIC ? SIGNED_SIZE : AccessRecord.SIZE;
            if (magic != SIGNED_MAGIC && magic != UNSIGNED_MAGIC || offset + size > value.length)
            {
                ignored++; // what follows cannot be framed: nothing after it counts
                break;
            }
            AccessRecord record = verified(value, offset, magic, binding);
            if (record == null || record.generation() != generation)
                ignored++;
            else
            {
                counted++;
                if (latest == null || record.accessed() >= latest.accessed())
                    latest = record;
            }
            offset += size;
        }
        return new Scan(latest, counted, ignored);
    }

    /** @return the record at {@code offset} if it is intact and, when signing is on, authenticated; else null */
    private AccessRecord verified(byte[] value, int offset, short magic, byte[] binding)
    {
        if (signer != null)
        {
            if (magic != SIGNED_MAGIC || !signer.verifyTag(binding, value, offset, SIGNED_SIZE - TAG, TAG))
                return null;
            return AccessRecord.readFields(ByteBuffer.wrap(value, offset + 2, AccessRecord.FIELDS));
        }
        if (magic != UNSIGNED_MAGIC)
            return null; // signed with a key this server does not have
        CRC32 crc = new CRC32();
        crc.update(value, offset, AccessRecord.SIZE - 4);
        if (ByteBuffer.wrap(value, offset + AccessRecord.SIZE - 4, 4).getInt() != (int)crc.getValue())
            return null;
        return AccessRecord.readFields(ByteBuffer.wrap(value, offset + 2, AccessRecord.FIELDS));
    }

    /** What a record belongs to: the session's id, context path and virtual host. */
    static byte[] binding(SessionData data)
    {
        try
        {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(96);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeUTF("access-record");
            out.writeUTF(data.getId());
            out.writeUTF(data.getContextPath() == null ? "" : data.getContextPath());
            out.writeUTF(data.getVhost() == null ? "" : data.getVhost());
            return bytes.toByteArray();
        }
        catch (IOException x)
        {
            throw new UncheckedIOException(x);
        }
    }
}
