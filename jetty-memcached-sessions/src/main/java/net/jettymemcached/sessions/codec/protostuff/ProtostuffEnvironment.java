package net.jettymemcached.sessions.codec.protostuff;

import io.protostuff.runtime.IdStrategy;
import io.protostuff.runtime.RuntimeEnv;

/**
 * Starts protostuff's runtime the way Java serialization behaves. Most of protostuff's options are flags of each
 * {@link IdStrategy} ({@link #STRATEGY_FLAGS}); two are JVM-wide system properties that protostuff reads once, so they
 * are set only while protostuff's {@code RuntimeEnv} initializes, and restored right after for anything else in the JVM.
 */
final class ProtostuffEnvironment
{
    /**
     * Enums by name (reordering constants must not change stored values), polymorphic non-final classes (a field
     * declared {@code Animal} may hold a {@code Dog}), nulls kept in lists and arrays, empty collections kept
     * distinct from null fields.
     */
    static final int STRATEGY_FLAGS = IdStrategy.ENUMS_BY_NAME | IdStrategy.AUTO_LOAD_POLYMORPHIC_CLASSES |
        IdStrategy.PRESERVE_NULL_ELEMENTS | IdStrategy.MORPH_NON_FINAL_POJOS | IdStrategy.COLLECTION_SCHEMA_ON_REPEATED_FIELDS;

    /** Instantiate as Java serialization does, without running the class's own no-argument constructor. */
    private static final String SERIALIZATION_CONSTRUCTORS = "protostuff.runtime.always_use_sun_reflection_factory";
    /**
     * Set fields through {@code java.lang.reflect.Field}, which checks the type of what is stored: with
     * {@code sun.misc.Unsafe} a forged back-reference would put an object of any class into any field.
     */
    private static final String UNSAFE_FIELDS = "protostuff.runtime.use_sun_misc_unsafe";

    private static final boolean SERIALIZATION_CONSTRUCTORS_USED = initialize();

    private ProtostuffEnvironment()
    {
    }

    /**
     * @return whether protostuff instantiates classes like Java serialization; false only when something else in
     * this class loader started protostuff first, in which case classes with their own no-argument constructor are
     * left to Java serialization
     */
    static boolean usesSerializationConstructors()
    {
        return SERIALIZATION_CONSTRUCTORS_USED;
    }

    /**
     * @return whether protostuff stores field values with type checks; false only when something else in this class
     * loader started protostuff first, in which case no application class is written or read by protostuff
     */
    static boolean checksFieldTypes()
    {
        return !RuntimeEnv.USE_SUN_MISC_UNSAFE;
    }

    private static boolean initialize()
    {
        Thread thread = Thread.currentThread();
        ClassLoader context = thread.getContextClassLoader();
        synchronized (System.getProperties())
        {
            String previous = System.getProperty(SERIALIZATION_CONSTRUCTORS);
            String previousUnsafe = System.getProperty(UNSAFE_FIELDS);
            try
            {
                System.setProperty(SERIALIZATION_CONSTRUCTORS, "true");
                System.setProperty(UNSAFE_FIELDS, "false");
                // RuntimeEnv finds the JDK's ReflectionFactory through the context loader, which may be anything here.
                thread.setContextClassLoader(ProtostuffEnvironment.class.getClassLoader());
                Class.forName(RuntimeEnv.class.getName(), true, RuntimeEnv.class.getClassLoader());
                return RuntimeEnv.ALWAYS_USE_SUN_REFLECTION_FACTORY;
            }
            catch (ClassNotFoundException x)
            {
                throw new IllegalStateException(x);
            }
            finally
            {
                thread.setContextClassLoader(context);
                restore(SERIALIZATION_CONSTRUCTORS, previous);
                restore(UNSAFE_FIELDS, previousUnsafe);
            }
        }
    }

    private static void restore(String property, String previous)
    {
        if (previous == null)
            System.clearProperty(property);
        else
            System.setProperty(property, previous);
    }
}
