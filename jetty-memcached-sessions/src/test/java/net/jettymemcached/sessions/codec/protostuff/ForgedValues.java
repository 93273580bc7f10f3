package net.jettymemcached.sessions.codec.protostuff;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import io.protostuff.GraphIOUtil;
import io.protostuff.LinkedBuffer;
import io.protostuff.runtime.DefaultIdStrategy;
import io.protostuff.runtime.RuntimeSchema;
import net.jettymemcached.sessions.codec.AttributeCodec;
import net.jettymemcached.sessions.codec.JavaAttributeCodec;
import net.jettymemcached.sessions.format.SessionEnvelope;
import net.jettymemcached.sessions.format.StoredValue;
import org.eclipse.jetty.session.SessionData;

/**
 * Protostuff attribute values as anyone able to write to memcached can forge them: bytes the encoder never writes,
 * built by hand or with protostuff's own strategy (no fidelity check, no admission).
 */
public final class ForgedValues
{
    /** The 13 bytes: an attribute holding a {@code long[]} of 2,147,483,632 elements. */
    public static final String ARRAY_BOMB = "0b88020508f0ffffff0710070c";

    /** Object field numbers of protostuff's polymorphic schema. */
    static final int CLASS = 18;
    static final int ENUM_SET = 22;
    static final int COLLECTION = 25;
    static final int MAP = 26;
    static final int POJO = 127;

    private ForgedValues()
    {
    }

    public static byte[] hex(String hex)
    {
        return HexFormat.of().parseHex(hex);
    }

    /** @return a {@code long[]} of the given length, of which one element follows: the bomb, of any size */
    public static byte[] longArray(int length)
    {
        return new Bytes().raw("0b").tag(33, 0).varint(5).tag(1, 0).varint(length).tag(2, 0).varint(7).raw("0c").toArray();
    }

    /** @return {@code depth} lists, each the only element of the one around it */
    public static byte[] nestedLists(int depth)
    {
        Bytes bytes = new Bytes().raw("0b");
        for (int i = 0; i < depth; i++)
        {
            bytes.tag(COLLECTION, 2).string("List");
            if (i < depth - 1)
                bytes.raw("0b");
        }
        for (int i = 0; i < depth; i++)
            bytes.raw("0c");
        return bytes.toArray();
    }

    /** @return an instance of {@code className} with none of its fields set */
    public static byte[] pojoNamed(String className)
    {
        return named(POJO, className);
    }

    /** @return a value of the given kind (an object field number of protostuff's polymorphic schema) naming a class */
    public static byte[] named(int kind, String className)
    {
        return new Bytes().raw("0b").tag(kind, 2).string(className).raw("0c").toArray();
    }

    /** @return the value as protostuff itself writes it, whatever its class */
    public static byte[] holding(Object value)
    {
        ProtostuffSchemas.Holder holder = new ProtostuffSchemas.Holder();
        holder.value = value;
        DefaultIdStrategy plain = new DefaultIdStrategy(ProtostuffEnvironment.STRATEGY_FLAGS);
        return GraphIOUtil.toByteArray(holder, RuntimeSchema.createFrom(ProtostuffSchemas.Holder.class, plain), LinkedBuffer.allocate(256));
    }

    /**
     * @param stored    a stored session value (framed, unsigned, uncompressed attributes written by the text or Java codec)
     * @param attribute the only attribute of the forged copy
     * @return the same session and generation, with {@code attribute} holding {@code protostuff} as a protostuff value
     */
    public static byte[] storedValueWith(byte[] stored, String id, String contextPath, String attribute, byte[] protostuff) throws IOException
    {
        SessionEnvelope.Decoded decoded = new SessionEnvelope(new JavaAttributeCodec())
            .decodeWithAttributes(StoredValue.parse(stored).envelope(), new SessionData(id, contextPath, "0.0.0.0", 0, 0, 0, 0));
        SessionData data = decoded.data();
        data.clearAllAttributes();
        data.setAttribute(attribute, "forged");
        byte[] envelope = new SessionEnvelope(new RawCodec(protostuff)).encode(data, decoded.generation());
        return StoredValue.frame(envelope);
    }

    /** Writes given bytes as if they were a protostuff attribute. */
    public record RawCodec(byte[] bytes) implements AttributeCodec
    {
        @Override
        public int id()
        {
            return ProtostuffAttributeCodec.ID;
        }

        @Override
        public String name()
        {
            return "raw";
        }

        @Override
        public byte[] encode(Object value)
        {
            return bytes;
        }

        @Override
        public Object decode(byte[] bytes)
        {
            throw new UnsupportedOperationException();
        }
    }

    /** Protostuff's wire format, by hand. */
    static final class Bytes
    {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Bytes raw(String hex)
        {
            out.writeBytes(hex(hex));
            return this;
        }

        Bytes tag(int field, int wireType)
        {
            return varint((long)field << 3 | wireType);
        }

        Bytes varint(long value)
        {
            long v = value;
            while ((v & ~0x7FL) != 0)
            {
                out.write((int)(v & 0x7F) | 0x80);
                v >>>= 7;
            }
            out.write((int)v);
            return this;
        }

        Bytes string(String value)
        {
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            varint(utf8.length);
            out.writeBytes(utf8);
            return this;
        }

        byte[] toArray()
        {
            return out.toByteArray();
        }
    }
}
