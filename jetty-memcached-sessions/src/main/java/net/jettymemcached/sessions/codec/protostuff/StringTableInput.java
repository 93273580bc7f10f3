package net.jettymemcached.sessions.codec.protostuff;

import java.io.IOException;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

import io.protostuff.FilterInput;
import io.protostuff.GraphByteArrayInput;
import io.protostuff.GraphInput;
import io.protostuff.Schema;

/**
 * Reads what {@link StringTableOutput} writes: protostuff's graph input with {@link StringTable} references resolved,
 * every field number shown to the {@link ValueGuard} first.
 */
final class StringTableInput extends FilterInput<GraphByteArrayInput> implements GraphInput
{
    private final ValueGuard guard;
    private final byte[] data;
    private final int offset;
    private final int length;
    private final Map<Schema<?>, Schema<?>> routed = new IdentityHashMap<>(4);
    /** Strings already resolved, by reference: one instance each, decoded (and hashed, for class names) once. */
    private Map<String, String> resolved;

    /** @param data the value is {@code data[offset, offset + length)}; references are relative to its start */
    StringTableInput(GraphByteArrayInput input, byte[] data, int offset, int length, ValueGuard guard)
    {
        super(input);
        this.guard = guard;
        this.data = data;
        this.offset = offset;
        this.length = length;
    }

    @Override
    public <T> int readFieldNumber(Schema<T> schema) throws IOException
    {
        int number = input.readFieldNumber(schema);
        guard.field(schema, number);
        return number;
    }

    @Override
    public String readString() throws IOException
    {
        String value = input.readString();
        if (!StringTable.isReference(value))
            return StringTable.resolve(value, data, offset, length);
        if (resolved == null)
            resolved = new HashMap<>();
        String target = resolved.get(value);
        if (target == null)
        {
            target = StringTable.resolve(value, data, offset, length);
            resolved.put(value, target);
        }
        return target;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T mergeObject(T value, Schema<T> schema) throws IOException
    {
        Schema<T> route = (Schema<T>)routed.computeIfAbsent(schema, s -> RoutedSchema.readingFrom((Schema<T>)s, this));
        return input.mergeObject(value, route);
    }

    @Override
    public void updateLast(Object morphedMessage, Object lastMessage)
    {
        input.updateLast(morphedMessage, lastMessage);
    }

    @Override
    public boolean isCurrentMessageReference()
    {
        return input.isCurrentMessageReference();
    }
}
