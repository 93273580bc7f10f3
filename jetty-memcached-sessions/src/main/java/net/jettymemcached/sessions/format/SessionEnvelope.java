package net.jettymemcached.sessions.format;

import java.io.DataOutputStream;
import java.io.IOException;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

import net.jettymemcached.sessions.codec.AttributeCodec;
import net.jettymemcached.sessions.config.Property;
import net.jettymemcached.sessions.security.Signer;
import org.eclipse.jetty.session.SessionData;
import org.eclipse.jetty.util.ByteArrayOutputStream2;

/**
 * The stored form of one session (format version 3):
 * <pre>
 * magic "JM" | version u8 | flags u8 (1 = compressed, 2 = signed, 4 = tombstone) | generation i64
 * [inflatedLength i32, when compressed] | body (deflated when compressed)
 * [HMAC-SHA256 of everything before it, 32 bytes, when signed] | crc32 of everything before it i32
 *
 * body = metadata (see SessionMetadata) | attributeCount i32 |
 *        per attribute, sorted by name: name (modified UTF-8) | codec id u8 | length i32 | bytes
 * tombstone body = id | contextPath | movedTo (modified UTF-8; movedTo empty when the session ended)
 * </pre>
 * The generation orders the copies of one session (the newest wins); it sits in the header, so the signature and
 * checksum cover it. A tombstone replaces the copies of a session that ended or moved, so that no late write,
 * restore or returning node can bring it back; it is signed like a session when signing is on. Version 2 (no
 * generation: 0) stays readable.
 * Each attribute records the codec that wrote it, so values written with another serializer, or by the Java fallback,
 * stay readable.
 * <p>
 * Anything that does not match (foreign bytes, truncation, a flipped bit, an unknown version, a missing or bad
 * signature while signing is on, a missing or refused class) is reported as {@link UnreadableEnvelopeException},
 * never as a half-read session (reading is {@link EnvelopeDecoder}'s). A session larger than the size limit is refused with
 * {@link SessionTooLargeException} before anything is written.
 */
public final class SessionEnvelope
{
    public static final int VERSION = 3;
    static final int VERSION_2 = 2;
    public static final int DEFAULT_COMPRESSION_THRESHOLD = Property.COMPRESSION_THRESHOLD.defaultInt();
    public static final int DEFAULT_MAX_SESSION_SIZE = Property.MAX_SESSION_SIZE.defaultInt();
    /** No session is inflated beyond this, whatever its stored value claims. */
    static final int MAX_INFLATED = 64 << 20;
    /** The largest accepted {@code maxSessionSize.bytes}; memcached itself needs {@code -I} above its 1 MB default. */
    public static final int MAX_SESSION_SIZE = MAX_INFLATED;
    static final int MAGIC = ('J' << 8) | 'M';
    static final int COMPRESSED = 1;
    static final int SIGNED = 2;
    static final int TOMBSTONE = 4;
    static final int HEADER_V2 = 4;
    static final int HEADER = 12;
    static final int CRC = 4;

    private final AttributeCodecs codecs;
    private final int compressionThreshold;
    private final int maxSessionSize;
    private final Signer signer;
    private final AccessRecords accessRecords;
    private final EnvelopeDecoder decoder;
    /** The size of the last value written: the next one is likely alike, so its buffer starts that large. */
    private volatile int sizeHint = 256;

    /** Writes with the given codec; default compression threshold and size limit, unsigned. */
    public SessionEnvelope(AttributeCodec writer)
    {
        this(AttributeCodecs.writingWith(writer), DEFAULT_COMPRESSION_THRESHOLD, DEFAULT_MAX_SESSION_SIZE, null);
    }

    /**
     * @param codecs               the codecs, each reading through the deserialization filter it was made with
     * @param compressionThreshold bodies larger than this many bytes are deflated
     * @param maxSessionSize       stored values larger than this are refused
     * @param signer               signs and verifies values, or null for unsigned values
     */
    public SessionEnvelope(AttributeCodecs codecs, int compressionThreshold, int maxSessionSize, Signer signer)
    {
        this.codecs = codecs;
        this.compressionThreshold = compressionThreshold;
        this.maxSessionSize = maxSessionSize;
        this.signer = signer;
        this.accessRecords = new AccessRecords(signer);
        this.decoder = new EnvelopeDecoder(codecs, signer);
    }

    /** How the access records appended to this envelope's values are sealed and read (with the same key). */
    public AccessRecords accessRecords()
    {
        return accessRecords;
    }

    /**
     * A decoded copy: a session with its attributes as they were stored (so that an unchanged attribute is never
     * encoded again and a changed one can be compared with its stored bytes), or a tombstone; and its generation.
     */
    public record Decoded(SessionData data, List<EncodedAttribute> attributes, long generation, Tombstone tombstone)
    {
        public boolean isTombstone()
        {
            return tombstone != null;
        }
    }

    public AttributeCodecs codecs()
    {
        return codecs;
    }

    /**
     * @throws SessionTooLargeException when the value would be larger than the size limit
     * @throws IOException when an attribute cannot be serialized (the message names it)
     */
    public byte[] encode(SessionData data) throws IOException
    {
        return encode(data, 0);
    }

    /** As {@link #encode(SessionData)}, as copy {@code generation} of the session: every attribute is encoded. */
    public byte[] encode(SessionData data, long generation) throws IOException
    {
        Map<String, Object> attributes = data.getAllAttributes();
        String[] names = attributes.keySet().toArray(new String[0]);
        Arrays.sort(names);
        List<EncodedAttribute> encoded = new ArrayList<>(names.length);
        for (String name : names)
            encoded.add(encodeAttribute(name, attributes.get(name)));
        return encode(data, generation, encoded);
    }

    /**
     * Encodes one attribute value with the codec that writes it ({@link AttributeCodecs#writerFor}).
     *
     * @throws IOException when it cannot be serialized (the message names the attribute and its class)
     */
    public EncodedAttribute encodeAttribute(String name, Object value) throws IOException
    {
        AttributeCodec codec = codecs.writerFor(value);
        try
        {
            return new EncodedAttribute(name, codec.id(), codec.encode(value));
        }
        catch (IOException | RuntimeException x)
        {
            throw new IOException("session attribute '" + name + "' (" + value.getClass().getName() + ") cannot be serialized by " + codec.name() + ": " + x, x);
        }
    }

    /**
     * The stored value of copy {@code generation} of a session: its metadata and the given attributes, already
     * encoded ({@link #encodeAttribute}, or as {@link Decoded} read them) and sorted by name.
     *
     * @throws SessionTooLargeException when the value would be larger than the size limit
     */
    public byte[] encode(SessionData data, long generation, List<EncodedAttribute> attributes) throws IOException
    {
        int bytes = 0;
        for (EncodedAttribute attribute : attributes)
            bytes += attribute.length() + 8 + attribute.name().length();
        ByteArrayOutputStream2 buffer = new ByteArrayOutputStream2(Math.max(sizeHint, Math.min(bytes + 256, MAX_INFLATED)));
        DataOutputStream out = new DataOutputStream(buffer);
        out.writeShort(MAGIC);
        out.writeByte(VERSION);
        out.writeByte(0);
        out.writeLong(generation);
        SessionMetadata.write(out, data);
        out.writeInt(attributes.size());
        for (EncodedAttribute attribute : attributes)
        {
            out.writeUTF(attribute.name());
            out.writeByte(attribute.codecId());
            out.writeInt(attribute.length());
            out.write(attribute.buffer(), attribute.offset(), attribute.length());
        }
        int bodyLength = buffer.size() - HEADER;
        sizeHint = Math.min(buffer.size() + 64, 1 << 20);
        if (bodyLength > MAX_INFLATED)
            throw tooLarge(bodyLength, MAX_INFLATED, attributes);

        byte[] deflated = bodyLength > compressionThreshold ? Compression.deflate(buffer.getBuf(), HEADER, bodyLength) : null;
        int payload = deflated == null ? bodyLength : 4 + deflated.length;
        int total = HEADER + payload + (signer == null ? 0 : Signer.LENGTH) + CRC;
        if (total > maxSessionSize)
            throw tooLarge(total, maxSessionSize, attributes);
        return seal(buffer, bodyLength, deflated, 0);
    }

    /** The tombstone of a session that ended ({@code movedTo} null) or moved to another id. */
    public byte[] encodeTombstone(String id, String contextPath, long generation, String movedTo)
    {
        try
        {
            ByteArrayOutputStream2 buffer = new ByteArrayOutputStream2(96);
            DataOutputStream out = new DataOutputStream(buffer);
            out.writeShort(MAGIC);
            out.writeByte(VERSION);
            out.writeByte(0);
            out.writeLong(generation);
            out.writeUTF(id);
            out.writeUTF(contextPath == null ? "" : contextPath);
            out.writeUTF(movedTo == null ? "" : movedTo);
            return seal(buffer, buffer.size() - HEADER, null, TOMBSTONE);
        }
        catch (IOException x)
        {
            throw new IllegalStateException(x);
        }
    }

    /** Decodes a session, with its attributes' stored bytes, or a tombstone. */
    public Decoded decodeWithAttributes(byte[] bytes, SessionData target) throws UnreadableEnvelopeException
    {
        return decoder.decode(bytes, target);
    }

    /** The value: header, body (or its deflated form), signature, checksum. */
    private byte[] seal(ByteArrayOutputStream2 buffer, int bodyLength, byte[] deflated, int kind)
    {
        int payload = deflated == null ? bodyLength : 4 + deflated.length;
        int total = HEADER + payload + (signer == null ? 0 : Signer.LENGTH) + CRC;
        byte[] value = Arrays.copyOf(buffer.getBuf(), total);
        int flags = kind | (deflated == null ? 0 : COMPRESSED) | (signer == null ? 0 : SIGNED);
        value[3] = (byte)flags;
        if (deflated != null)
        {
            writeInt(value, HEADER, bodyLength);
            System.arraycopy(deflated, 0, value, HEADER + 4, deflated.length);
        }
        int end = HEADER + payload;
        if (signer != null)
        {
            signer.sign(value, end);
            end += Signer.LENGTH;
        }
        CRC32 crc = new CRC32();
        crc.update(value, 0, end);
        writeInt(value, end, (int)crc.getValue());
        return value;
    }

    private static SessionTooLargeException tooLarge(int size, int limit, List<EncodedAttribute> attributes)
    {
        List<Map.Entry<String, Integer>> largest = attributes.stream()
            .sorted(Comparator.comparingInt(EncodedAttribute::length).reversed()).limit(3)
            .<Map.Entry<String, Integer>>map(a -> new AbstractMap.SimpleImmutableEntry<>(a.name(), a.length())).toList();
        return new SessionTooLargeException(size, limit, largest);
    }

    /**
     * @param target a fresh {@link SessionData} (from the store's {@code newSessionData}) that receives the fields;
     *               its id, context and virtual host must be those the bytes were stored for
     */
    public SessionData decode(byte[] bytes, SessionData target) throws UnreadableEnvelopeException
    {
        Decoded decoded = decoder.decode(bytes, target);
        if (decoded.isTombstone())
            throw new UnreadableEnvelopeException("value is a tombstone");
        return decoded.data();
    }

    /** @return the generation an envelope's header claims (unverified: the envelope is verified when decoded), 0 if none */
    static long generationOf(byte[] envelope)
    {
        return envelope.length >= HEADER && (envelope[2] & 0xFF) == VERSION ? readLong(envelope, HEADER_V2) : 0;
    }

    static int readInt(byte[] bytes, int offset)
    {
        return ((bytes[offset] & 0xFF) << 24) | ((bytes[offset + 1] & 0xFF) << 16) | ((bytes[offset + 2] & 0xFF) << 8) | (bytes[offset + 3] & 0xFF);
    }

    static long readLong(byte[] bytes, int offset)
    {
        return ((long)readInt(bytes, offset) << 32) | (readInt(bytes, offset + 4) & 0xFFFFFFFFL);
    }

    private static void writeInt(byte[] bytes, int offset, int value)
    {
        bytes[offset] = (byte)(value >>> 24);
        bytes[offset + 1] = (byte)(value >>> 16);
        bytes[offset + 2] = (byte)(value >>> 8);
        bytes[offset + 3] = (byte)value;
    }
}
