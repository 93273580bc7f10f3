package net.jettymemcached.sessions.codec.protostuff;

import java.io.Externalizable;
import java.io.Serializable;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.protostuff.Message;

/**
 * What the protostuff codec can do with instances of one class, decided once per class from the class alone (see
 * {@link ProtostuffFidelity} for the per-value part).
 * <p>
 * A class of the application is left to Java serialization when protostuff's runtime schema cannot give back what
 * Java serialization gives back: records; classes with their own serialization ({@code writeObject},
 * {@code readObject}, {@code readObjectNoData}, {@code writeReplace}, {@code readResolve},
 * {@code serialPersistentFields}, {@link Externalizable}); classes that extend a JDK class or a class that is not
 * {@link Serializable}; classes whose field names repeat along the hierarchy or carry annotations protostuff reacts to;
 * hidden, proxy and lambda classes; protostuff {@link Message}s; and classes that are not {@link Serializable} at all
 * (Java serialization then refuses them, as it should). The reader admits exactly the classes written here
 * ({@link ClassAdmission}).
 */
record ClassVerdict(Kind kind, FieldPlan[] fields, boolean instanceChecked, boolean visibilityChecked)
{
    enum Kind
    {
        /**
         * Written whole (a scalar, text or an enum constant); nothing inside to check, but {@link #instanceChecked}
         * values need {@link JdkTypes#isFaithfulInstance} and {@link #visibilityChecked} ones (application enums) must
         * be visible from the webapp.
         */
        LEAF,
        /** A JDK collection rebuilt from its elements. */
        COLLECTION,
        /** A JDK map rebuilt from its entries. */
        MAP,
        /** An array of references. */
        ARRAY,
        /** An application class written field by field; {@link #fields} are its reference-typed fields. */
        POJO,
        /** Needs Java serialization. */
        JAVA
    }

    private static final FieldPlan[] NO_FIELDS = new FieldPlan[0];
    private static final ClassVerdict LEAF = new ClassVerdict(Kind.LEAF, NO_FIELDS, false, false);
    private static final ClassVerdict CHECKED_LEAF = new ClassVerdict(Kind.LEAF, NO_FIELDS, true, false);
    private static final ClassVerdict APPLICATION_ENUM = new ClassVerdict(Kind.LEAF, NO_FIELDS, false, true);
    private static final ClassVerdict COLLECTION = new ClassVerdict(Kind.COLLECTION, NO_FIELDS, true, false);
    private static final ClassVerdict MAP = new ClassVerdict(Kind.MAP, NO_FIELDS, true, false);
    private static final ClassVerdict ARRAY = new ClassVerdict(Kind.ARRAY, NO_FIELDS, false, false);
    private static final ClassVerdict JAVA = new ClassVerdict(Kind.JAVA, NO_FIELDS, false, false);

    private static final Set<String> SERIALIZATION_METHODS = Set.of("writeObject", "readObject", "readObjectNoData", "writeReplace", "readResolve");

    private static final ClassValue<ClassVerdict> VERDICTS = new ClassValue<>()
    {
        @Override
        protected ClassVerdict computeValue(Class<?> type)
        {
            return decide(type);
        }
    };

    static ClassVerdict of(Class<?> type)
    {
        return VERDICTS.get(type);
    }

    private static ClassVerdict decide(Class<?> type)
    {
        if (type.isArray())
            return type.getComponentType().isPrimitive() ? LEAF : ARRAY;
        if (Enum.class.isAssignableFrom(type))
            return JdkTypes.isJdk(type) ? LEAF : APPLICATION_ENUM;
        if (JdkTypes.isLeaf(type))
            return type == java.util.Locale.class ? CHECKED_LEAF : LEAF;
        if (JdkTypes.isCollection(type))
            return COLLECTION;
        if (JdkTypes.isMap(type))
            return MAP;
        if (JdkTypes.isJdk(type) || !isPlainSerializable(type))
            return JAVA;
        try
        {
            return new ClassVerdict(Kind.POJO, referenceFields(type), false, true);
        }
        catch (RuntimeException x)
        {
            // e.g. a field that cannot be made accessible (a class in a named module)
            return JAVA;
        }
    }

    private static boolean isPlainSerializable(Class<?> type)
    {
        return whyNotPlain(type) == null;
    }

    /**
     * @return why protostuff's runtime schema cannot stand in for Java serialization of this application class, or
     * null when it can; the reader quotes it when a value names such a class
     */
    static String whyNotPlain(Class<?> type)
    {
        if (type.isRecord())
            return "a record";
        if (type.isHidden() || type.isSynthetic() || Proxy.isProxyClass(type))
            return "a hidden, synthetic or proxy class";
        if (!Serializable.class.isAssignableFrom(type))
            return "not Serializable";
        if (Externalizable.class.isAssignableFrom(type))
            return "Externalizable";
        if (Throwable.class.isAssignableFrom(type) || Collection.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type))
            return "a Throwable, Collection or Map";
        if (Modifier.isAbstract(type.getModifiers()))
            return "abstract";
        if (Message.class.isAssignableFrom(type))
            return "a protostuff Message, which serializes itself";
        if (!ProtostuffEnvironment.checksFieldTypes())
            return "an application class, and protostuff was started without field type checks";
        if (!ProtostuffEnvironment.usesSerializationConstructors() && hasNoArgConstructor(type))
            return "a class with its own no-argument constructor, and protostuff was started to call it";
        Set<String> names = new HashSet<>();
        for (Class<?> c = type; c != Object.class; c = c.getSuperclass())
        {
            if (JdkTypes.isJdk(c) || !Serializable.class.isAssignableFrom(c))
                return "a subclass of " + c.getName();
            for (var method : c.getDeclaredMethods())
            {
                if (SERIALIZATION_METHODS.contains(method.getName()) && !Modifier.isStatic(method.getModifiers()))
                    return "a class with its own " + method.getName();
            }
            for (Field field : c.getDeclaredFields())
            {
                int modifiers = field.getModifiers();
                if (field.getName().equals("serialPersistentFields") && Modifier.isStatic(modifiers))
                    return "a class with serialPersistentFields";
                if (Modifier.isStatic(modifiers) || Modifier.isTransient(modifiers))
                    continue;
                // protostuff skips @Deprecated fields and obeys its own annotations; a repeated name loses a field
                if (hasProtostuffAnnotation(field) || !names.add(field.getName()))
                    return "a class whose field " + field.getName() + " protostuff would skip or lose";
            }
        }
        return null;
    }

    private static boolean hasProtostuffAnnotation(Field field)
    {
        for (var annotation : field.getAnnotations())
        {
            String name = annotation.annotationType().getName();
            if (name.equals("java.lang.Deprecated") || name.startsWith("io.protostuff."))
                return true;
        }
        return false;
    }

    private static boolean hasNoArgConstructor(Class<?> type)
    {
        try
        {
            type.getDeclaredConstructor();
            return true;
        }
        catch (NoSuchMethodException x)
        {
            return false;
        }
    }

    private static FieldPlan[] referenceFields(Class<?> type)
    {
        List<FieldPlan> fields = new ArrayList<>();
        for (Class<?> c = type; c != Object.class; c = c.getSuperclass())
        {
            for (Field field : c.getDeclaredFields())
            {
                int modifiers = field.getModifiers();
                if (Modifier.isStatic(modifiers) || Modifier.isTransient(modifiers) || field.getType().isPrimitive())
                    continue;
                FieldPlan plan = FieldPlan.of(field);
                if (plan.check() == FieldPlan.Check.SKIP)
                    continue;
                field.setAccessible(true);
                fields.add(plan);
            }
        }
        return fields.toArray(NO_FIELDS);
    }
}
