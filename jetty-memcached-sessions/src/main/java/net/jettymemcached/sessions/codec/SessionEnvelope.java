package net.jettymemcached.sessions.codec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.zip.CRC32;

import org.eclipse.jetty.session.SessionData;

/**
 * The stored form of one session: a small versioned header, every {@link SessionData} field (including
 * {@code lastSaved}, which Jetty's own serialization drops), the attribute bytes, and a CRC32 of all of it.
 * <pre>
 * magic "JM" | version u8 | flags u8 | id | contextPath | vhost | lastNode            (modified UTF-8)
 * created | accessed | lastAccessed | cookieSet | expiry | maxInactiveMs | lastSaved   (i64 each)
 * attributeLength i32 | attribute bytes | crc32 i32
 * </pre>
 * Anything that does not match (foreign bytes, truncation, a flipped bit, an unknown version) is reported as
 * {@link UnreadableEnvelopeException}, never as a half-read session.
 */
public final class SessionEnvelope
{
    public static final int VERSION = 1;
    private static final int MAGIC = ('J' << 8) | 'M';

    private final AttributeCodec attributes;

    public SessionEnvelope(AttributeCodec attributes)
    {
        this.attributes = attributes;
    }

    public byte[] encode(SessionData data) throws IOException
    {
        byte[] attributeBytes = attributes.encode(data.getAllAttributes());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(attributeBytes.length + 160);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeShort(MAGIC);
        out.writeByte(VERSION);
        out.writeByte(0);
        out.writeUTF(data.getId());
        out.writeUTF(nonNull(data.getContextPath()));
        out.writeUTF(nonNull(data.getVhost()));
        out.writeUTF(nonNull(data.getLastNode()));
        out.writeLong(data.getCreated());
        out.writeLong(data.getAccessed());
        out.writeLong(data.getLastAccessed());
        out.writeLong(data.getCookieSet());
        out.writeLong(data.getExpiry());
        out.writeLong(data.getMaxInactiveMs());
        out.writeLong(data.getLastSaved());
        out.writeInt(attributeBytes.length);
        out.write(attributeBytes);
        CRC32 crc = new CRC32();
        crc.update(bytes.toByteArray());
        out.writeInt((int)crc.getValue());
        out.flush();
        return bytes.toByteArray();
    }

    /**
     * @param target a fresh {@link SessionData} (from the store's {@code newSessionData}) that receives the fields;
     *               its id and context must be those the bytes were stored for
     */
    public SessionData decode(byte[] bytes, SessionData target) throws UnreadableEnvelopeException
    {
        if (bytes.length < 8)
            throw new UnreadableEnvelopeException("value too short (" + bytes.length + " bytes)");
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 4);
        int storedCrc = ((bytes[bytes.length - 4] & 0xFF) << 24) | ((bytes[bytes.length - 3] & 0xFF) << 16) |
            ((bytes[bytes.length - 2] & 0xFF) << 8) | (bytes[bytes.length - 1] & 0xFF);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 4)))
        {
            if (in.readUnsignedShort() != MAGIC)
                throw new UnreadableEnvelopeException("not a session value (bad magic)");
            int version = in.readUnsignedByte();
            if (version != VERSION)
                throw new UnreadableEnvelopeException("unknown format version " + version);
            if ((int)crc.getValue() != storedCrc)
                throw new UnreadableEnvelopeException("checksum mismatch (corrupt or truncated value)");
            in.readUnsignedByte(); // flags: none defined in version 1
            String id = in.readUTF();
            String contextPath = in.readUTF();
            String vhost = in.readUTF();
            if (!id.equals(target.getId()) || !contextPath.equals(target.getContextPath()))
                throw new UnreadableEnvelopeException("value belongs to session " + id + " of context " + contextPath);
            target.setVhost(vhost);
            String lastNode = in.readUTF();
            target.setLastNode(lastNode);
            target.setCreated(in.readLong());
            target.setAccessed(in.readLong());
            target.setLastAccessed(in.readLong());
            target.setCookieSet(in.readLong());
            target.setExpiry(in.readLong());
            target.setMaxInactiveMs(in.readLong());
            target.setLastSaved(in.readLong());
            int length = in.readInt();
            if (length < 0 || length != in.available())
                throw new UnreadableEnvelopeException("attribute length " + length + " does not match the value");
            byte[] attributeBytes = in.readNBytes(length);
            target.putAllAttributes(attributes.decode(attributeBytes));
            target.clean();
            return target;
        }
        catch (UnreadableEnvelopeException x)
        {
            throw x;
        }
        catch (ClassNotFoundException x)
        {
            throw new UnreadableEnvelopeException("attribute class not found: " + x.getMessage(), x);
        }
        catch (IOException | RuntimeException x)
        {
            throw new UnreadableEnvelopeException("cannot read attributes: " + x, x);
        }
    }

    private static String nonNull(String value)
    {
        return value == null ? "" : value;
    }
}
