package net.jettymemcached.sessions.codec.protostuff;

import java.io.IOException;
import java.util.function.Function;

import io.protostuff.Input;
import io.protostuff.Output;
import io.protostuff.Pipe;
import io.protostuff.WireFormat.FieldType;
import io.protostuff.runtime.Delegate;

/**
 * Writes an immutable JDK value as its canonical text (ISO-8601, URI, UUID, ...) instead of letting protostuff copy
 * its private fields: some of those are transient caches (so the copy would be broken) and reading them needs access
 * to {@code java.base} internals that Java 17 no longer grants.
 */
final class TextDelegate<V> implements Delegate<V>
{
    private final Class<V> type;
    private final Function<V, String> format;
    private final Function<String, V> parse;

    TextDelegate(Class<V> type, Function<V, String> format, Function<String, V> parse)
    {
        this.type = type;
        this.format = format;
        this.parse = parse;
    }

    @SuppressWarnings("unchecked")
    static <V> TextDelegate<V> of(V sample, Function<V, String> format, Function<String, V> parse)
    {
        return new TextDelegate<>((Class<V>)sample.getClass(), format, parse);
    }

    @Override
    public FieldType getFieldType()
    {
        return FieldType.STRING;
    }

    @Override
    public V readFrom(Input input) throws IOException
    {
        return parse.apply(input.readString());
    }

    @Override
    public void writeTo(Output output, int number, V value, boolean repeated) throws IOException
    {
        output.writeString(number, format.apply(value), repeated);
    }

    @Override
    public void transfer(Pipe pipe, Input input, Output output, int number, boolean repeated) throws IOException
    {
        input.transferByteRangeTo(output, true, number, repeated);
    }

    @Override
    public Class<?> typeClass()
    {
        return type;
    }
}
