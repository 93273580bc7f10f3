package net.jettymemcached.sessions.codec.protostuff;

import java.io.ObjectInputFilter;

import net.jettymemcached.sessions.security.DeserializationFilters;

/**
 * The thread context class loader while a protostuff value is read: protostuff resolves the class names it finds in
 * the bytes through it. Each class is loaded by the webapp's loader without being initialized, then checked (JDK
 * classes against what the codec writes, all others against the deserialization filter) before protostuff may touch
 * it; a refused class never runs any code.
 */
final class FilteringClassLoader extends ClassLoader
{
    static
    {
        registerAsParallelCapable();
    }

    private final ClassLoader webapp;
    private final ObjectInputFilter filter;

    FilteringClassLoader(ClassLoader webapp, ObjectInputFilter filter)
    {
        super("memcached-sessions-filter", webapp);
        this.webapp = webapp;
        this.filter = filter;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve)
    {
        Class<?> type;
        try
        {
            type = Class.forName(name, false, webapp);
        }
        catch (ClassNotFoundException | LinkageError x)
        {
            throw new ClassRefusedException(name, true);
        }
        if (JdkTypes.isJdk(type) ? !JdkTypes.isReadable(type) : DeserializationFilters.rejects(filter, type))
            throw new ClassRefusedException(name, false);
        return type;
    }
}
