package net.jettymemcached.sessions.format;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;

import net.jettymemcached.sessions.codec.AttributeCodec;
import net.jettymemcached.sessions.security.Signer;
import org.eclipse.jetty.session.SessionData;

import static net.jettymemcached.sessions.format.SessionEnvelope.COMPRESSED;
import static net.jettymemcached.sessions.format.SessionEnvelope.CRC;
import static net.jettymemcached.sessions.format.SessionEnvelope.HEADER;
import static net.jettymemcached.sessions.format.SessionEnvelope.HEADER_V2;
import static net.jettymemcached.sessions.format.SessionEnvelope.MAGIC;
import static net.jettymemcached.sessions.format.SessionEnvelope.MAX_INFLATED;
import static net.jettymemcached.sessions.format.SessionEnvelope.SIGNED;
import static net.jettymemcached.sessions.format.SessionEnvelope.TOMBSTONE;
import static net.jettymemcached.sessions.format.SessionEnvelope.VERSION;
import static net.jettymemcached.sessions.format.SessionEnvelope.VERSION_2;
import static net.jettymemcached.sessions.format.SessionEnvelope.readInt;
import static net.jettymemcached.sessions.format.SessionEnvelope.readLong;

/**
 * Reads the bytes {@link SessionEnvelope} writes, and nothing else: the frame is checked (magic, version, flags,
 * checksum, then the signature when signing is on) before any of the body is parsed, so with a signing key no byte
 * a forger wrote ever reaches an attribute codec. Whatever does not match is an {@link UnreadableEnvelopeException}.
 */
final class EnvelopeDecoder
{
    private final AttributeCodecs codecs;
    private final Signer signer;

    EnvelopeDecoder(AttributeCodecs codecs, Signer signer)
    {
        this.codecs = codecs;
        this.signer = signer;
    }

    /** @param target a fresh {@link SessionData} that receives the fields */
    SessionEnvelope.Decoded decode(byte[] bytes, SessionData target) throws UnreadableEnvelopeException
    {
        try
        {
            if (bytes.length < HEADER_V2 + CRC + 4)
                throw new UnreadableEnvelopeException("value too short (" + bytes.length + " bytes)");
            if (((bytes[0] & 0xFF) << 8 | (bytes[1] & 0xFF)) != MAGIC)
                throw new UnreadableEnvelopeException("not a session value (bad magic)");
            int version = bytes[2] & 0xFF;
            if (version != VERSION && version != VERSION_2)
                throw new UnreadableEnvelopeException("unknown format version " + version);
            int header = version == VERSION ? HEADER : HEADER_V2;
            if (bytes.length < header + CRC + 4)
                throw new UnreadableEnvelopeException("value too short (" + bytes.length + " bytes)");
            long generation = version == VERSION ? readLong(bytes, HEADER_V2) : 0;
            return decodeBody(bytes, header, generation, target);
        }
        catch (UnreadableEnvelopeException x)
        {
            throw x;
        }
        catch (IOException | RuntimeException x)
        {
            throw new UnreadableEnvelopeException("cannot read the value: " + x, x);
        }
    }

    private SessionEnvelope.Decoded decodeBody(byte[] bytes, int header, long generation, SessionData target) throws IOException
    {
        int end = bytes.length - CRC;
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, end);
        if ((int)crc.getValue() != readInt(bytes, end))
            throw new UnreadableEnvelopeException("checksum mismatch (corrupt or truncated value)");
        int flags = bytes[3] & 0xFF;
        if ((flags & ~(COMPRESSED | SIGNED | TOMBSTONE)) != 0 || header == HEADER_V2 && (flags & TOMBSTONE) != 0)
            throw new UnreadableEnvelopeException("unknown flags " + flags);
        if ((flags & SIGNED) != 0)
        {
            end -= Signer.LENGTH;
            if (end < header)
                throw new UnreadableEnvelopeException("value too short for its signature");
        }
        if (signer != null && (flags & SIGNED) == 0)
            throw new UnreadableEnvelopeException("value is not signed but signing is on");
        if (signer != null && !signer.verify(bytes, end))
            throw new UnreadableEnvelopeException("bad signature (tampered value, or signed with a key not configured here)");

        byte[] body = bytes;
        int offset = header;
        int length = end - header;
        if ((flags & TOMBSTONE) != 0)
            return new SessionEnvelope.Decoded(null, null, generation, readTombstone(bytes, offset, length, target));
        if ((flags & COMPRESSED) != 0)
        {
            if (length < 4)
                throw new UnreadableEnvelopeException("compressed value too short");
            try
            {
                body = Compression.inflate(bytes, header + 4, length - 4, readInt(bytes, header), MAX_INFLATED);
            }
            catch (DataFormatException x)
            {
                throw new UnreadableEnvelopeException("cannot inflate the value: " + x.getMessage(), x);
            }
            offset = 0;
            length = body.length;
        }
        List<EncodedAttribute> encoded;
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(body, offset, length)))
        {
            SessionMetadata.read(in, target);
            Map<String, Object> attributes = new HashMap<>();
            encoded = decodeAttributes(in, body, offset + length, attributes);
            target.putAllAttributes(attributes);
            if (in.available() != 0)
                throw new UnreadableEnvelopeException(in.available() + " bytes after the last attribute");
        }
        target.clean();
        return new SessionEnvelope.Decoded(target, encoded, generation, null);
    }

    private static Tombstone readTombstone(byte[] bytes, int offset, int length, SessionData target) throws IOException
    {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, offset, length)))
        {
            String id = in.readUTF();
            String contextPath = in.readUTF();
            String movedTo = in.readUTF();
            if (!id.equals(target.getId()) || !contextPath.equals(target.getContextPath()))
                throw new UnreadableEnvelopeException("tombstone belongs to session " + id + " of context " + contextPath);
            if (in.available() != 0)
                throw new UnreadableEnvelopeException(in.available() + " bytes after the tombstone");
            return new Tombstone(movedTo.isEmpty() ? null : movedTo);
        }
    }

    /**
     * @param body       the attributes are read from {@code in}, which reads {@code body[.., end)}
     * @param attributes receives the values
     * @return the attributes' stored bytes (slices of {@code body}), in stored order
     */
    private List<EncodedAttribute> decodeAttributes(DataInputStream in, byte[] body, int end, Map<String, Object> attributes) throws IOException
    {
        int count = in.readInt();
        if (count < 0 || count > in.available() / 7)
            throw new UnreadableEnvelopeException("impossible attribute count " + count);
        List<EncodedAttribute> encoded = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            String name = in.readUTF();
            int codecId = in.readUnsignedByte();
            int length = in.readInt();
            if (length < 0 || length > in.available())
                throw new UnreadableEnvelopeException("attribute '" + name + "' has an impossible length " + length);
            int position = end - in.available();
            in.skipNBytes(length);
            AttributeCodec codec = codecs.reader(codecId);
            if (codec == null)
                throw new UnreadableEnvelopeException("attribute '" + name + "' was written by codec " + codecId + ", which is not configured here");
            if (attributes.put(name, decodeAttribute(name, codec, body, position, length)) != null)
                throw new UnreadableEnvelopeException("attribute '" + name + "' is stored twice");
            encoded.add(new EncodedAttribute(name, codecId, body, position, length));
        }
        return encoded;
    }

    private static Object decodeAttribute(String name, AttributeCodec codec, byte[] bytes, int offset, int length) throws UnreadableEnvelopeException
    {
        try
        {
            Object value = codec.decode(bytes, offset, length);
            if (value == null)
                throw new UnreadableEnvelopeException(what(name, codec) + "no value");
            return value;
        }
        catch (ClassNotFoundException x)
        {
            throw new UnreadableEnvelopeException(what(name, codec) + "class not found: " + x.getMessage(), x);
        }
        catch (InvalidClassException x)
        {
            throw new UnreadableEnvelopeException(what(name, codec) + "class refused by the deserialization filter" + (x.classname == null ? " (" + x.getMessage() + ")" : ": " + x.classname), x);
        }
        catch (IOException | RuntimeException | LinkageError | StackOverflowError x)
        {
            throw new UnreadableEnvelopeException(what(name, codec) + "cannot be read: " + x, x);
        }
    }

    private static String what(String name, AttributeCodec codec)
    {
        return "attribute '" + name + "' (" + codec.name() + "): ";
    }
}
