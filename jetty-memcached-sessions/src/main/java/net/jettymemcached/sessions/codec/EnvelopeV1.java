package net.jettymemcached.sessions.codec;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.util.zip.CRC32;

import org.eclipse.jetty.session.SessionData;
import org.eclipse.jetty.util.ClassLoadingObjectInputStream;

/**
 * Reads values of format version 1, written before the codec SPI: no flags, all attributes in one Java object stream
 * in Jetty's own format ({@link SessionData#serializeAttributes}). Kept so that sessions stored by the previous release
 * survive an upgrade; they are rewritten in the current version on their next write.
 * <pre>
 * magic "JM" | version 1 | flags 0 | metadata | attributeLength i32 | attribute bytes | crc32 i32
 * </pre>
 */
final class EnvelopeV1
{
    static final int VERSION = 1;

    private EnvelopeV1()
    {
    }

    /** @param bytes a value whose magic and version byte were checked by the caller */
    static SessionData decode(byte[] bytes, SessionData target, ObjectInputFilter filter) throws IOException, ClassNotFoundException
    {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 4);
        if ((int)crc.getValue() != SessionEnvelope.readInt(bytes, bytes.length - 4))
            throw new UnreadableEnvelopeException("checksum mismatch (corrupt or truncated value)");
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 4, bytes.length - 8)))
        {
            if (bytes[3] != 0)
                throw new UnreadableEnvelopeException("unknown flags " + bytes[3] + " in format version 1");
            SessionMetadata.read(in, target);
            int length = in.readInt();
            if (length < 0 || length != in.available())
                throw new UnreadableEnvelopeException("attribute length " + length + " does not match the value");
            try (ClassLoadingObjectInputStream attributes = new ClassLoadingObjectInputStream(new ByteArrayInputStream(in.readNBytes(length))))
            {
                DeserializationFilters.apply(attributes, filter);
                SessionData.deserializeAttributes(target, attributes);
            }
            target.clean();
            return target;
        }
    }
}
