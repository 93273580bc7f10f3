package net.jettymemcached.sessions.format;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

import net.jettymemcached.sessions.codec.JavaAttributeCodec;
import net.jettymemcached.sessions.codec.TextAttributeCodec;
import net.jettymemcached.sessions.codec.protostuff.ProtostuffAttributeCodec;
import net.jettymemcached.sessions.security.Signer;
import org.eclipse.jetty.session.SessionData;

/** Test-side reading of stored envelopes: which codec wrote each attribute, flags, and byte surgery. */
public final class EnvelopeInspector
{
    private EnvelopeInspector()
    {
    }

    /** @return attribute name to the name of the codec that wrote it, for an unsigned or signed, uncompressed value */
    public static Map<String, String> codecs(byte[] envelope) throws IOException
    {
        if ((envelope[3] & SessionEnvelope.COMPRESSED) != 0)
            throw new IllegalArgumentException("compressed");
        int end = envelope.length - 4 - ((envelope[3] & SessionEnvelope.SIGNED) != 0 ? Signer.LENGTH : 0);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(envelope, header(envelope), end - header(envelope)));
        SessionMetadata.read(in, new SessionData(peekId(envelope), peekContext(envelope), null, 0, 0, 0, 0));
        Map<String, String> codecs = new LinkedHashMap<>();
        for (int i = in.readInt(); i > 0; i--)
        {
            String name = in.readUTF();
            int id = in.readUnsignedByte();
            in.skipNBytes(in.readInt());
            codecs.put(name, id == JavaAttributeCodec.ID ? "java" : id == ProtostuffAttributeCodec.ID ? "protostuff" : id == TextAttributeCodec.ID ? "text" : String.valueOf(id));
        }
        return codecs;
    }

    private static String peekId(byte[] envelope) throws IOException
    {
        return new DataInputStream(new ByteArrayInputStream(envelope, header(envelope), envelope.length - header(envelope))).readUTF();
    }

    private static String peekContext(byte[] envelope) throws IOException
    {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(envelope, header(envelope), envelope.length - header(envelope)));
        in.readUTF();
        return in.readUTF();
    }

    /** Length of the header: version 3 adds the generation (8 bytes) to version 2's 4 bytes. */
    public static int header(byte[] envelope)
    {
        return envelope[2] == 2 ? 4 : 12;
    }

    /** @return true if the stored value (framed) is a tombstone: what ends a session's copies */
    public static boolean isTombstone(byte[] storedValue)
    {
        byte[] envelope = StoredValue.parse(storedValue).envelope();
        return envelope.length > 3 && (envelope[3] & SessionEnvelope.TOMBSTONE) != 0;
    }

    /** @return true if there is no session copy under the key: nothing, or a tombstone */
    public static boolean noSession(byte[] storedValue)
    {
        return storedValue == null || isTombstone(storedValue);
    }

    public static boolean isSigned(byte[] envelope)
    {
        return (envelope[3] & SessionEnvelope.SIGNED) != 0;
    }

    /** Recomputes the trailing checksum, as a forger who knows the format would. */
    public static byte[] withFixedChecksum(byte[] envelope)
    {
        byte[] copy = envelope.clone();
        CRC32 crc = new CRC32();
        crc.update(copy, 0, copy.length - 4);
        int value = (int)crc.getValue();
        copy[copy.length - 4] = (byte)(value >>> 24);
        copy[copy.length - 3] = (byte)(value >>> 16);
        copy[copy.length - 2] = (byte)(value >>> 8);
        copy[copy.length - 1] = (byte)value;
        return copy;
    }
}
