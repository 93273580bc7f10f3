package net.jettymemcached.sessions.codec.protostuff;

import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.Collection;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

import io.protostuff.CollectionSchema;
import io.protostuff.MapSchema;
import net.jettymemcached.sessions.codec.JavaAttributeCodec;

/**
 * Walks an attribute's object graph before protostuff writes it and answers whether protostuff's runtime schema will
 * give back what Java serialization would. One unsuitable object anywhere sends the whole attribute to Java
 * serialization, so that shared references and cycles stay within one format.
 * <p>
 * Besides each class's {@link ClassVerdict}, the walk checks what protostuff decides from declared types rather than
 * from the value: a field declared as a collection or map interface is rebuilt as protostuff's default implementation
 * ({@code List} as {@code ArrayList}, {@code Map} as {@code HashMap}, ...), and a field, element or array slot declared
 * with a concrete JDK type is written as that type (a {@code java.sql.Timestamp} in a {@code Date} field would come
 * back as a {@code Date}). Application classes must also be visible from the webapp's class loader, which is the only
 * loader protostuff reads them with.
 */
final class ProtostuffFidelity
{
    /** How many objects the last walk on this thread saw: sizes the next walk's table, and the writer's that follows. */
    private static final ThreadLocal<int[]> LAST_SIZE = ThreadLocal.withInitial(() -> new int[1]);

    private final ClassLoader context = Thread.currentThread().getContextClassLoader();
    private final int expectedSize;
    private Map<Object, Object> seen;
    private Set<Class<?>> visible;

    private ProtostuffFidelity(int expectedSize)
    {
        this.expectedSize = expectedSize;
    }

    /** @return the number of objects the last {@link #isFaithful} call on this thread walked through */
    static int lastGraphSize()
    {
        return LAST_SIZE.get()[0];
    }

    static boolean isFaithful(Object value)
    {
        int[] lastSize = LAST_SIZE.get();
        if (isPlainScalar(value))
        {
            lastSize[0] = 0;
            return true;
        }
        ProtostuffFidelity walk = new ProtostuffFidelity(lastSize[0]);
        try
        {
            return walk.visit(value, Object.class, true);
        }
        catch (IllegalAccessException | RuntimeException | StackOverflowError x)
        {
            return false;
        }
        finally
        {
            lastSize[0] = walk.seen == null ? 0 : walk.seen.size();
        }
    }

    /** @param strict whether a collection or map in this place is rebuilt as the declared type's implementation */
    private boolean visit(Object value, Type declared, boolean strict) throws IllegalAccessException
    {
        if (value == null)
            return true;
        Class<?> type = value.getClass();
        if (declared != Object.class && !fits(type, erasure(declared), strict))
            return false;
        ClassVerdict verdict = ClassVerdict.of(type);
        switch (verdict.kind())
        {
            case JAVA:
                return false;
            case LEAF:
                return (!verdict.instanceChecked() || JdkTypes.isFaithfulInstance(value)) && (!verdict.visibilityChecked() || isVisible(type));
            default:
                if (seen == null)
                    seen = new IdentityHashMap<>(Math.max(8, expectedSize));
                if (seen.put(value, value) != null)
                    return true; // already checked: a shared reference or a cycle
        }
        return switch (verdict.kind())
        {
            case COLLECTION -> visitCollection((Collection<?>)value, declared);
            case MAP -> visitMap((Map<?, ?>)value, declared);
            case ARRAY -> visitArray((Object[])value);
            case POJO -> visitFields(value, verdict);
            default -> false;
        };
    }

    private boolean visitCollection(Collection<?> collection, Type declared) throws IllegalAccessException
    {
        if (!JdkTypes.isFaithfulInstance(collection))
            return false;
        Type element = typeArgument(declared, 0);
        for (Object item : collection)
        {
            if (item != null && !isPlainScalar(item) && !visit(item, element, false))
                return false;
        }
        return true;
    }

    private boolean visitMap(Map<?, ?> map, Type declared) throws IllegalAccessException
    {
        if (!JdkTypes.isFaithfulInstance(map))
            return false;
        Type key = typeArgument(declared, 0);
        Type val = typeArgument(declared, 1);
        for (Map.Entry<?, ?> entry : map.entrySet())
        {
            Object k = entry.getKey();
            Object v = entry.getValue();
            if ((k != null && !isPlainScalar(k) && !visit(k, key, false)) || (v != null && !isPlainScalar(v) && !visit(v, val, false)))
                return false;
        }
        return true;
    }

    private boolean visitArray(Object[] array) throws IllegalAccessException
    {
        Class<?> component = array.getClass().getComponentType();
        for (Object item : array)
        {
            if (!visit(item, component, true))
                return false;
        }
        return true;
    }

    private boolean visitFields(Object value, ClassVerdict verdict) throws IllegalAccessException
    {
        if (!isVisible(value.getClass()))
            return false;
        for (FieldPlan plan : verdict.fields())
        {
            Object fieldValue = plan.field().get(value);
            if (fieldValue == null)
                continue;
            if (plan.check() == FieldPlan.Check.SAME_CLASS)
            {
                if (fieldValue.getClass() != plan.field().getType())
                    return false;
            }
            else if (!visit(fieldValue, plan.declared(), true))
            {
                return false;
            }
        }
        return true;
    }

    /** Mirrors protostuff's choice of field handling (RuntimeFieldFactory) for a value of {@code type} declared as {@code declared}. */
    private static boolean fits(Class<?> type, Class<?> declared, boolean strict)
    {
        if (declared == Object.class || declared.isArray() || declared == Number.class || declared == Enum.class || declared == Class.class)
            return true; // written with its class
        if (Collection.class.isAssignableFrom(declared) || Map.class.isAssignableFrom(declared))
            return !strict || type == implementationOf(declared);
        if (declared.isInterface() || declared.isEnum() || !JdkTypes.isJdk(declared))
            return true; // written with its class, application classes included (non-final ones morph)
        return type == declared; // a JDK scalar or text type is written as exactly that type
    }

    /** The class protostuff instantiates for a collection or map declared as {@code declared}. */
    private static Class<?> implementationOf(Class<?> declared)
    {
        String simpleName = declared.getSimpleName();
        if (declared.getName().startsWith("java.util"))
        {
            if (Collection.class.isAssignableFrom(declared) && CollectionSchema.MessageFactories.accept(simpleName))
                return CollectionSchema.MessageFactories.valueOf(simpleName).typeClass();
            if (Map.class.isAssignableFrom(declared) && MapSchema.MessageFactories.accept(simpleName))
                return MapSchema.MessageFactories.valueOf(simpleName).typeClass();
        }
        return declared;
    }

    /** The commonest elements, final classes written exactly as they are wherever they appear. */
    private static boolean isPlainScalar(Object value)
    {
        Class<?> type = value.getClass();
        return type == String.class || type == Integer.class || type == Long.class || type == Boolean.class;
    }

    private boolean isVisible(Class<?> type)
    {
        if (JdkTypes.isJdk(type) || type.getClassLoader() == context || (visible != null && visible.contains(type)))
            return true;
        if (!JavaAttributeCodec.isContextClass(type))
            return false;
        if (visible == null)
            visible = new HashSet<>();
        visible.add(type);
        return true;
    }

    private static Type typeArgument(Type declared, int index)
    {
        if (declared instanceof ParameterizedType parameterized && parameterized.getActualTypeArguments().length > index)
            return parameterized.getActualTypeArguments()[index];
        return Object.class;
    }

    private static Class<?> erasure(Type type)
    {
        if (type instanceof Class<?> c)
            return c;
        if (type instanceof ParameterizedType parameterized)
            return erasure(parameterized.getRawType());
        if (type instanceof TypeVariable<?> variable)
            return erasure(variable.getBounds()[0]);
        if (type instanceof WildcardType wildcard)
            return erasure(wildcard.getUpperBounds()[0]);
        if (type instanceof GenericArrayType)
            return Object[].class;
        return Object.class;
    }
}
