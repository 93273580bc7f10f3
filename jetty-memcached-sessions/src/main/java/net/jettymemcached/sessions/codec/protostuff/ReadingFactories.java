package net.jettymemcached.sessions.codec.protostuff;

import java.io.IOException;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;

import io.protostuff.CollectionSchema;
import io.protostuff.Input;
import io.protostuff.MapSchema;
import io.protostuff.runtime.EnumIO;
import io.protostuff.runtime.IdStrategy;

/**
 * What the {@link ReadingIdStrategy} hands protostuff for enums, and for collections and maps the encoder never
 * writes through protostuff: protostuff asks for them while it builds a schema, when no value needs them yet, so they
 * refuse only once a value holds one.
 */
final class ReadingFactories
{
    private ReadingFactories()
    {
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static EnumIO<? extends Enum<?>> enumConstants(Class<?> type, IdStrategy strategy)
    {
        return new ReadEnum(type, strategy);
    }

    static CollectionSchema.MessageFactory refusedCollection(String name)
    {
        return new RefusedCollection(name);
    }

    static MapSchema.MessageFactory refusedMap(String name)
    {
        return new RefusedMap(name);
    }

    /** Enum constants by name, as the encoder writes them; never an EnumSet or EnumMap, which it leaves to Java. */
    private static final class ReadEnum<E extends Enum<E>> extends EnumIO<E>
    {
        ReadEnum(Class<E> type, IdStrategy strategy)
        {
            super(type, strategy);
        }

        @Override
        public E readFrom(Input input) throws IOException
        {
            return getByAlias(input.readString());
        }

        @Override
        public CollectionSchema.MessageFactory getEnumSetFactory()
        {
            return new RefusedCollection(EnumSet.class.getName());
        }

        @Override
        public MapSchema.MessageFactory getEnumMapFactory()
        {
            return new RefusedMap(EnumMap.class.getName());
        }

        @Override
        public EnumSet<E> newEnumSet()
        {
            throw ClassRefusedException.notWritten(EnumSet.class.getName(), "left to Java serialization by the encoder");
        }

        @Override
        public <V> EnumMap<E, V> newEnumMap()
        {
            throw ClassRefusedException.notWritten(EnumMap.class.getName(), "left to Java serialization by the encoder");
        }
    }

    /** Stands for a collection the encoder never writes: refuses when a value holds one. */
    private record RefusedCollection(String name) implements CollectionSchema.MessageFactory
    {
        @Override
        public <V> Collection<V> newMessage()
        {
            throw ClassRefusedException.notWritten(name, "not a collection the encoder writes through protostuff");
        }

        @Override
        public Class<?> typeClass()
        {
            return Collection.class;
        }
    }

    private record RefusedMap(String name) implements MapSchema.MessageFactory
    {
        @Override
        public <K, V> Map<K, V> newMessage()
        {
            throw ClassRefusedException.notWritten(name, "not a map the encoder writes through protostuff");
        }

        @Override
        public Class<?> typeClass()
        {
            return Map.class;
        }
    }
}
