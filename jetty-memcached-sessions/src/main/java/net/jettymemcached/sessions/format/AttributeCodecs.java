package net.jettymemcached.sessions.format;

import java.io.IOException;
import java.io.ObjectInputFilter;
import java.lang.reflect.Constructor;
import java.util.Locale;

import net.jettymemcached.sessions.codec.AttributeCodec;
import net.jettymemcached.sessions.codec.JavaAttributeCodec;
import net.jettymemcached.sessions.codec.TextAttributeCodec;
import net.jettymemcached.sessions.codec.protostuff.ProtostuffAttributeCodec;

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
        this.writer = writer;
        this.java = java;
        readers[java.id()] = new Bounded(java);
        readers[protostuff.id()] = new Bounded(protostuff);
        readers[text.id()] = new Bounded(text);
        readers[writer.id()] = new Bounded(writer);
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
        if (writer instanceof ProtostuffAttributeCodec && value.getClass() == String.class && text.canEncode(value))
            return text;
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
     * Decodes with a codec, turning {@link OutOfMemoryError} and {@link StackOverflowError} into an
     * {@link IOException}: the one value that caused them is dropped with what was built of it, and the request that
     * read it gets a fresh session instead of a 500 on every request of that session.
     */
    private record Bounded(AttributeCodec codec) implements AttributeCodec
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
            return codec.encode(value);
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
            catch (OutOfMemoryError | StackOverflowError x)
            {
                throw new IOException("decoding exhausted the JVM: " + x, x);
            }
        }
    }
}
