package net.jettymemcached.sessions.codec;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.util.zip.CRC32;

import org.eclipse.jetty.session.SessionData;

/** Writes values exactly as release 0.1 did (format version 1), to prove they stay readable. */
final class LegacyV1Writer
{
    private LegacyV1Writer()
    {
    }

    static byte[] encode(SessionData data) throws IOException
    {
        ByteArrayOutputStream attributes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(attributes))
        {
            SessionData.serializeAttributes(data, out);
        }
        byte[] attributeBytes = attributes.toByteArray();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeShort(('J' << 8) | 'M');
        out.writeByte(1);
        out.writeByte(0);
        out.writeUTF(data.getId());
        out.writeUTF(data.getContextPath());
        out.writeUTF(data.getVhost());
        out.writeUTF(data.getLastNode() == null ? "" : data.getLastNode());
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
        return bytes.toByteArray();
    }
}
