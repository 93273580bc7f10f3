package net.jettymemcached.sessions.codec.protostuff;

import java.io.ObjectInputFilter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import net.jettymemcached.sessions.security.DeserializationFilters;

/**
 * Which classes a protostuff value read in one webapp may name, and in which role: only those the encoder writes
 * there, by the encoder's own rules ({@link ClassVerdict}, decided once per class and cached with it). A named class
 * is loaded by the webapp's class loader without being initialized and checked before protostuff sees it, so a
 * refused class never runs any code. Classes admitted by name are remembered; refusals are not, since a value can
 * name any number of classes.
 */
final class ClassAdmission
{
    private static final Map<String, Class<?>> PRIMITIVES = Map.of("boolean", boolean.class, "byte", byte.class,
        "char", char.class, "short", short.class, "int", int.class, "long", long.class, "float", float.class, "double", double.class);

    private final ClassLoader webapp;
    private final ObjectInputFilter filter;
    private final Map<String, Class<?>> objects = new ConcurrentHashMap<>();
    private final Map<String, Class<?>> enums = new ConcurrentHashMap<>();
    private final Map<String, Class<?>> components = new ConcurrentHashMap<>();

    ClassAdmission(ClassLoader webapp, ObjectInputFilter filter)
    {
        this.webapp = webapp;
        this.filter = filter;
    }

    /** @return the class of an object a value names: an application class the encoder writes field by field */
    Class<?> object(String name)
    {
        Class<?> admitted = objects.get(name);
        if (admitted == null)
        {
            admitted = load(name);
            checkObject(admitted);
            objects.put(name, admitted);
        }
        return admitted;
    }

    /** Checks a class protostuff is about to instantiate, named in the value or the declared type of a field. */
    void checkObject(Class<?> type)
    {
        if (JdkTypes.isJdk(type))
            throw ClassRefusedException.notWritten(type.getName(), "a JDK class the protostuff codec never writes field by field");
        ClassVerdict verdict;
        try
        {
            verdict = ClassVerdict.of(type);
        }
        catch (LinkageError x)
        {
            throw ClassRefusedException.missing(type.getName() + " (" + x + ")");
        }
        if (verdict.kind() != ClassVerdict.Kind.POJO)
        {
            String why = ClassVerdict.whyNotPlain(type);
            throw ClassRefusedException.notWritten(type.getName(), "the encoder never writes it through protostuff" + (why == null ? "" : " (" + why + ")"));
        }
        checkApplicationClass(type);
    }

    /** @return an enum class a value names */
    Class<?> enumClass(String name)
    {
        Class<?> admitted = enums.get(name);
        if (admitted == null)
        {
            admitted = load(name);
            checkEnum(admitted);
            enums.put(name, admitted);
        }
        return admitted;
    }

    /** Checks an enum before its constants are looked up (which initializes it). */
    void checkEnum(Class<?> type)
    {
        if (!type.isEnum())
            throw ClassRefusedException.notWritten(type.getName(), "not an enum");
        if (!JdkTypes.isJdk(type))
            checkApplicationClass(type);
    }

    /**
     * @return the component class of an array of references a value names; any class will do, since an array never
     * instantiates its component class and its elements are checked one by one
     */
    Class<?> component(String name)
    {
        Class<?> admitted = PRIMITIVES.get(name);
        if (admitted == null)
            admitted = components.get(name);
        if (admitted == null)
        {
            admitted = load(name);
            if (admitted.isArray())
                throw ClassRefusedException.notWritten(name, "the encoder names the innermost component of an array");
            if (!JdkTypes.isJdk(admitted))
                checkApplicationClass(admitted);
            components.put(name, admitted);
        }
        return admitted;
    }

    private void checkApplicationClass(Class<?> type)
    {
        if (DeserializationFilters.rejects(filter, type))
            throw ClassRefusedException.filtered(type.getName());
        if (!isWebappClass(type))
            throw ClassRefusedException.notWritten(type.getName(), "not the webapp's own class");
    }

    /** As the encoder requires of what it writes: the webapp's loader resolves the name to this very class. */
    private boolean isWebappClass(Class<?> type)
    {
        try
        {
            return Class.forName(type.getName(), false, webapp) == type;
        }
        catch (ClassNotFoundException | LinkageError x)
        {
            return false;
        }
    }

    private Class<?> load(String name)
    {
        try
        {
            return Class.forName(name, false, webapp);
        }
        catch (ClassNotFoundException | LinkageError | RuntimeException x)
        {
            throw ClassRefusedException.missing(name);
        }
    }
}
