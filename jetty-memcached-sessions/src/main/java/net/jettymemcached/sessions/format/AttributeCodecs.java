package net.jettymemcached.sessions.format;

import java.io.IOException;
import java.io.ObjectInputFilter;
import java.lang.reflect.Constructor;
import java.util.Locale;

import net.jettymemcached.sessions.codec.AttributeCodec;
import net.jettymemcached.sessions.codec.JavaAttributeCodec;
import net.jettymemcached.sessions.codec.TextAttributeCodec;
import net.jettymemcached.sessions.codec.protostuff.ProtostuffAttributeCodec;
import net.jettymemcached.sessions.security.DeserializationFilters;

/**
 * The codecs of one envelope: the configured one writes, Java serialization takes what it cannot write faithfully,
 * and every known codec reads, so that changing {@code serializer} never makes stored sessions unreadable.
 */
public final class AttributeCodecs
{
    private final AttributeCodec writer;
    private final AttributeCodec java;
    private final AttributeCodec text = new TextAttributeCodec();
    private final AttributeCodec[] readers = new AttributeCodec[256];

    private AttributeCodecs(AttributeCodec writer, JavaAttributeCodec java, ProtostuffAttributeCodec protostuff)
    {
        DeepStack deep = new DeepStack(DeserializationFilters.limits(java.filter()).maxDepth());
        readers[java.id()] = new Bounded(java, deep);
        readers[protostuff.id()] = new Bounded(protostuff, deep);
        readers[text.id()] = new Bounded(text, deep);
        readers[writer.id()] = new Bounded(writer, deep);
        this.writer = readers[writer.id()];
        this.java = readers[java.id()];
    }

    /**
     * @param serializer {@code protostuff}, {@code java} or the class name of an {@link AttributeCodec}
     * @throws IllegalArgumentException for an unknown serializer or a codec class that cannot be used
     */
    public static AttributeCodecs of(String serializer, ObjectInputFilter filter)
    {
        JavaAttributeCodec java = new JavaAttributeCodec(filter);
        ProtostuffAttributeCodec protostuff = new ProtostuffAttributeCodec(filter);
        String name = serializer == null || serializer.isBlank() ? "protostuff" : serializer.trim();
        return switch (name.toLowerCase(Locale.ROOT))
        {
            case "protostuff" -> new AttributeCodecs(protostuff, java, protostuff);
            case "java" -> new AttributeCodecs(java, java, protostuff);
            default -> new AttributeCodecs(custom(name, filter), java, protostuff);
        };
    }

    /** Writes with the given codec (a test's or an embedding application's choice), the default filter for reading. */
    public static AttributeCodecs writingWith(AttributeCodec writer)
    {
        if (writer.id() <= 0 || writer.id() > 255)
            throw new IllegalArgumentException("codec id " + writer.id() + " is not between 1 and 255");
        JavaAttributeCodec java = writer instanceof JavaAttributeCodec j ? j : new JavaAttributeCodec();
        ProtostuffAttributeCodec protostuff = writer instanceof ProtostuffAttributeCodec p ? p : new ProtostuffAttributeCodec(java.filter());
        return new AttributeCodecs(writer, java, protostuff);
    }

    private static AttributeCodec custom(String className, ObjectInputFilter filter)
    {
        AttributeCodec codec;
        try
        {
            Class<?> type = Class.forName(className, true, AttributeCodecs.class.getClassLoader());
            if (!AttributeCodec.class.isAssignableFrom(type))
                throw new IllegalArgumentException("must be protostuff, java or the name of a class implementing " + AttributeCodec.class.getName());
            codec = (AttributeCodec)instantiate(type, filter);
        }
        catch (ClassNotFoundException x)
        {
            throw new IllegalArgumentException("must be protostuff, java or the name of a codec class; class not found");
        }
        catch (ReflectiveOperationException | LinkageError x)
        {
            throw new IllegalArgumentException("cannot create the codec: " + x);
        }
        if (codec.id() < 128 || codec.id() > 255)
            throw new IllegalArgumentException("a custom codec needs an id from 128 to 255, not " + codec.id());
        return codec;
    }

    private static Object instantiate(Class<?> type, ObjectInputFilter filter) throws ReflectiveOperationException
    {
        try
        {
            Constructor<?> withFilter = type.getConstructor(ObjectInputFilter.class);
            return withFilter.newInstance(filter);
        }
        catch (NoSuchMethodException x)
        {
            return type.getConstructor().newInstance();
        }
    }

    /**
     * @return the codec that writes this value: the configured one, or Java serialization when that one cannot;
     * with protostuff configured, plain UTF-8 for strings
     */
    public AttributeCodec writerFor(Object value)
    {
        if (writer == java)
            return java;
        if (((Bounded)writer).codec() instanceof ProtostuffAttributeCodec && value.getClass() == String.class && text.canEncode(value))
            return readers[text.id()];
        return writer.canEncode(value) ? writer : java;
    }

    /**
     * @return the codec that wrote attributes with this id, or null if none is known here; a value whose decoding
     * exhausts the heap or the stack is unreadable like any other ({@link IOException}), not an error of the request
     */
    public AttributeCodec reader(int id)
    {
        return id >= 0 && id < readers.length ? readers[id] : null;
    }

    /** @return the configured codec */
    public AttributeCodec writer()
    {
        return writer;
    }

    /**
     * A codec whose calls never end in an {@link Error} of the JVM. One that overflows the caller's stack runs again
     * on a {@link DeepStack}, so that values as deep as the filter allows read and write on any thread; what still
     * exhausts the heap or the stack is an {@link IOException}: the one value that caused it is dropped with what was
     * built of it, and the request that read it gets a fresh session instead of a 500 on every request of it.
     */
    private record Bounded(AttributeCodec codec, DeepStack deep) implements AttributeCodec
    {
        @Override
        public int id()
        {
            return codec.id();
        }

        @Override
        public String name()
        {
            return codec.name();
        }

        @Override
        public boolean canEncode(Object value)
        {
            return codec.canEncode(value);
        }

        @Override
        public byte[] encode(Object value) throws IOException
        {
            try
            {
                return codec.encode(value);
            }
            catch (StackOverflowError x)
            {
                return encodeDeep(value);
            }
        }

        /** Encodes on the deep stack, and refuses a value the readers would refuse as too deep, before it is stored. */
        private byte[] encodeDeep(Object value) throws IOException
        {
            try
            {
                return deep.run(() ->
                {
                    byte[] bytes = codec.encode(value);
                    codec.decode(bytes);
                    return bytes;
                });
            }
            catch (ClassNotFoundException | IOException x)
            {
                throw new IOException("it nests too deep to be read back (" + x.getMessage() + ")", x);
            }
        }

        @Override
        public Object decode(byte[] bytes) throws IOException, ClassNotFoundException
        {
            return decode(bytes, 0, bytes.length);
        }

        @Override
        public Object decode(byte[] bytes, int offset, int length) throws IOException, ClassNotFoundException
        {
            try
            {
                return codec.decode(bytes, offset, length);
            }
            catch (StackOverflowError x)
            {
                return deep.run(() -> codec.decode(bytes, offset, length));
            }
            catch (OutOfMemoryError x)
            {
                throw new IOException("decoding exhausted the JVM: " + x, x);
            }
        }
    }
}
