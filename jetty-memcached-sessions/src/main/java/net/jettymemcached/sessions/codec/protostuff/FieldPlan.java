package net.jettymemcached.sessions.codec.protostuff;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.Locale;

/**
 * How {@link ProtostuffFidelity} treats one reference field of an application class, worked out once from the
 * field's declaration so that the walk reads no more fields than it must.
 */
record FieldPlan(Field field, Check check, Type declared)
{
    enum Check
    {
        /** Declared as a final JDK value type or an enum: whatever it holds is written faithfully. */
        SKIP,
        /** Declared as a non-final JDK scalar ({@code Date}, {@code BigDecimal}, ...): the value must be of exactly that class. */
        SAME_CLASS,
        /** Anything else: walk the value. */
        VISIT
    }

    static FieldPlan of(Field field)
    {
        Class<?> type = field.getType();
        Check check;
        if (type.isEnum() || (Modifier.isFinal(type.getModifiers()) && JdkTypes.isLeaf(type) && type != Locale.class))
            check = Check.SKIP;
        else if (JdkTypes.isScalar(type))
            check = Check.SAME_CLASS;
        else
            check = Check.VISIT;
        return new FieldPlan(field, check, field.getGenericType());
    }
}
