package net.jettymemcached.sessions.codec.protostuff;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

import io.protostuff.ByteArrayInput;
import io.protostuff.ByteString;
import io.protostuff.FilterInput;
import io.protostuff.GraphByteArrayInput;
import io.protostuff.GraphInput;
import io.protostuff.Schema;

/**
 * Reads what {@link StringTableOutput} writes: protostuff's graph input with {@link StringTable} references resolved,
 * and everything protostuff reads shown to the {@link ValueGuard} first.
 */
final class StringTableInput extends FilterInput<GraphByteArrayInput> implements GraphInput
{
    private final ByteArrayInput bytes;
    private final ValueGuard guard;
    private final byte[] data;
    private final int offset;
    private final int length;
    private final Map<Schema<?>, Schema<?>> routed = new IdentityHashMap<>(4);
    /** Strings already resolved, by position: one instance each, decoded (and hashed, for class names) once. */
    private Map<Integer, String> resolved;

    /**
     * @param bytes the input under {@code input}, which reads the value {@code data[offset, offset + length)};
     *              references are relative to its start
     */
    StringTableInput(GraphByteArrayInput input, ByteArrayInput bytes, byte[] data, int offset, int length, ValueGuard guard)
    {
        super(input);
        this.bytes = bytes;
        this.guard = guard;
        this.data = data;
        this.offset = offset;
        this.length = length;
    }

    /** @return what watches this value */
    ValueGuard guard()
    {
        return guard;
    }

    @Override
    public <T> int readFieldNumber(Schema<T> schema) throws IOException
    {
        int number = input.readFieldNumber(schema);
        guard.field(schema, number);
        return number;
    }

    @Override
    public int readInt32() throws IOException
    {
        int value = input.readInt32();
        guard.number(value, true);
        return value;
    }

    @Override
    public int readUInt32() throws IOException
    {
        int value = input.readUInt32();
        guard.number(value, false);
        return value;
    }

    @Override
    public String readString() throws IOException
    {
        checkLength();
        String value = input.readString();
        if (!StringTable.isReference(value))
            return StringTable.resolve(value, data, offset, length);
        int position = StringTable.position(value);
        if (resolved == null)
            resolved = new HashMap<>();
        String target = resolved.get(position);
        if (target == null)
        {
            guard.tableEntry();
            target = StringTable.resolve(value, data, offset, length);
            resolved.put(position, target);
        }
        return target;
    }

    @Override
    public byte[] readByteArray() throws IOException
    {
        checkLength();
        return input.readByteArray();
    }

    @Override
    public ByteString readBytes() throws IOException
    {
        checkLength();
        return input.readBytes();
    }

    @Override
    public void readBytes(ByteBuffer buffer) throws IOException
    {
        checkLength();
        input.readBytes(buffer);
    }

    @Override
    public ByteBuffer readByteBuffer() throws IOException
    {
        checkLength();
        return input.readByteBuffer();
    }

    /** protostuff checks a length against what is left with int arithmetic that a length near 2^31 overflows. */
    private void checkLength() throws IOException
    {
        int position = bytes.currentOffset();
        int limit = bytes.currentLimit();
        long size = 0;
        for (int shift = 0; shift < 35 && position < limit; shift += 7)
        {
            byte b = data[position++];
            size |= (long)(b & 0x7F) << shift;
            if (b >= 0)
            {
                guard.length(size, limit - position);
                return;
            }
        }
        // truncated or malformed: protostuff reports it
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T mergeObject(T value, Schema<T> schema) throws IOException
    {
        Schema<T> route = (Schema<T>)routed.computeIfAbsent(schema, s -> RoutedSchema.readingFrom((Schema<T>)s, this));
        if (input.isCurrentMessageReference())
        {
            guard.reference();
            return input.mergeObject(value, route);
        }
        boolean deeper = guard.enter(schema);
        try
        {
            return input.mergeObject(value, route);
        }
        finally
        {
            guard.leave(deeper);
        }
    }

    @Override
    public void updateLast(Object morphedMessage, Object lastMessage)
    {
        guard.built(morphedMessage);
        input.updateLast(morphedMessage, lastMessage);
    }

    @Override
    public boolean isCurrentMessageReference()
    {
        return input.isCurrentMessageReference();
    }
}
