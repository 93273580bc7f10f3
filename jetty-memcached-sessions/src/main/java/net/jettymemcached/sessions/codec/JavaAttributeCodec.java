package net.jettymemcached.sessions.codec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectOutputStream;

import net.jettymemcached.sessions.security.DeserializationFilters;
import org.eclipse.jetty.session.SessionData;
import org.eclipse.jetty.util.ClassLoadingObjectInputStream;

/**
 * Java serialization of one attribute ({@code serializer=java}, and the fallback of the protostuff codec), read
 * through the deserialization filter.
 * <p>
 * Like Jetty's own stores it records whether the value's class comes from the webapp or from the server (a Jetty
 * class such as {@code SessionAuthentication} is hidden from the webapp's loader), so each is resolved in the loader
 * that can see it: one leading byte, then the object stream.
 */
public class JavaAttributeCodec implements AttributeCodec
{
    public static final int ID = 1;
    private static final int CONTEXT_LOADER = 0;
    private static final int SERVER_LOADER = 1;

    private final ObjectInputFilter filter;

    /** With the default deserialization filter. */
    public JavaAttributeCodec()
    {
        this(DeserializationFilters.parse(null));
    }

    public JavaAttributeCodec(ObjectInputFilter filter)
    {
        this.filter = filter;
    }

    @Override
    public int id()
    {
        return ID;
    }

    @Override
    public String name()
    {
        return "java";
    }

    @Override
    public byte[] encode(Object value) throws IOException
    {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        bytes.write(isContextClass(value.getClass()) ? CONTEXT_LOADER : SERVER_LOADER);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes))
        {
            out.writeObject(value);
        }
        return bytes.toByteArray();
    }

    @Override
    public Object decode(byte[] bytes) throws IOException, ClassNotFoundException
    {
        return decode(bytes, 0, bytes.length);
    }

    @Override
    public Object decode(byte[] bytes, int offset, int length) throws IOException, ClassNotFoundException
    {
        if (length < 1 || (bytes[offset] != CONTEXT_LOADER && bytes[offset] != SERVER_LOADER))
            throw new IOException("not a Java-serialized attribute");
        ClassLoader loader = bytes[offset] == SERVER_LOADER ? SessionData.class.getClassLoader() : Thread.currentThread().getContextClassLoader();
        try (ClassLoadingObjectInputStream in = new ClassLoadingObjectInputStream(new ByteArrayInputStream(bytes, offset + 1, length - 1)))
        {
            DeserializationFilters.apply(in, filter);
            Object value = in.readObject(loader);
            if (in.read() != -1)
                throw new IOException("bytes after the Java-serialized attribute");
            return value;
        }
        catch (InternalError x)
        {
            // the JDK's own classes answer some forged serial forms so (an immutable collection's odd length); not
            // kept as the cause: an Error behind an unreadable value reads as the JVM in trouble
            throw new IOException("malformed Java-serialized value (the JDK said: " + x.getMessage() + ")");
        }
    }

    /** As Jetty decides it: can the webapp's loader see this very class? */
    public static boolean isContextClass(Class<?> type)
    {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (type.getClassLoader() == context || type.getClassLoader() == null)
            return true;
        if (context == null)
            return false;
        try
        {
            return context.loadClass(type.getName()) == type;
        }
        catch (Throwable x)
        {
            return false;
        }
    }

    /** @return the deserialization filter it reads through */
    public ObjectInputFilter filter()
    {
        return filter;
    }
}
