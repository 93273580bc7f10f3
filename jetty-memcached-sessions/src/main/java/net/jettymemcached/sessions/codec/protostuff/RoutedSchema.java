package net.jettymemcached.sessions.codec.protostuff;

import java.io.IOException;

import io.protostuff.Input;
import io.protostuff.Output;
import io.protostuff.Schema;

/**
 * A schema that writes to, or reads from, a given stream whatever stream protostuff hands it: protostuff's graph
 * output and input pass themselves to nested schemas, which would otherwise bypass the {@link StringTable} wrappers.
 */
final class RoutedSchema<T> implements Schema<T>
{
    private final Schema<T> schema;
    private final Output output;
    private final Input input;

    private RoutedSchema(Schema<T> schema, Output output, Input input)
    {
        this.schema = schema;
        this.output = output;
        this.input = input;
    }

    static <T> Schema<T> writingTo(Schema<T> schema, Output output)
    {
        return new RoutedSchema<>(schema, output, null);
    }

    static <T> Schema<T> readingFrom(Schema<T> schema, Input input)
    {
        return new RoutedSchema<>(schema, null, input);
    }

    @Override
    public void writeTo(Output ignored, T message) throws IOException
    {
        schema.writeTo(output, message);
    }

    @Override
    public void mergeFrom(Input ignored, T message) throws IOException
    {
        schema.mergeFrom(input, message);
    }

    @Override
    public String getFieldName(int number)
    {
        return schema.getFieldName(number);
    }

    @Override
    public int getFieldNumber(String name)
    {
        return schema.getFieldNumber(name);
    }

    @Override
    public boolean isInitialized(T message)
    {
        return schema.isInitialized(message);
    }

    @Override
    public T newMessage()
    {
        return schema.newMessage();
    }

    @Override
    public String messageName()
    {
        return schema.messageName();
    }

    @Override
    public String messageFullName()
    {
        return schema.messageFullName();
    }

    @Override
    public Class<? super T> typeClass()
    {
        return schema.typeClass();
    }
}
