package net.jettymemcached.sessions.store;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * Whether a value of a class can change without a new {@code setAttribute}: if it cannot, an attribute the request
 * read needs no re-encoding at its end. Decided once per class and cached ({@link ClassValue}: no class is kept from
 * unloading).
 * <p>
 * Immutable are: strings, boxed primitives, {@code BigInteger}/{@code BigDecimal} (exactly those classes), {@code UUID},
 * {@code Locale}, {@code URI}, the {@code java.time} values, enums (stored by name, so their fields are never stored),
 * and records and final classes whose every stored field (not {@code static}, not {@code transient}) is
 * {@code final} and of a primitive type or a type that is itself immutable by this rule and cannot be subclassed
 * (a field declared as a non-final class or an interface may hold a mutable subclass). Arrays never are.
 */
final class ImmutableTypes
{
    private static final Set<Class<?>> KNOWN = Set.of(String.class, Boolean.class, Character.class, Byte.class, Short.class,
        Integer.class, Long.class, Float.class, Double.class, BigInteger.class, BigDecimal.class, UUID.class, Locale.class,
        URI.class, Instant.class, Duration.class, Period.class, LocalDate.class, LocalTime.class, LocalDateTime.class,
        OffsetDateTime.class, OffsetTime.class, ZonedDateTime.class, Year.class, YearMonth.class, MonthDay.class,
        ZoneOffset.class, ZoneId.of("Europe/Paris").getClass());

    private static final ClassValue<Boolean> VERDICTS = new ClassValue<>()
    {
        @Override
        protected Boolean computeValue(Class<?> type)
        {
            return decide(type, new HashSet<>());
        }
    };

    private ImmutableTypes()
    {
    }

    /** @return true if a value of exactly this class never changes (see the class comment) */
    static boolean isImmutable(Class<?> type)
    {
        return VERDICTS.get(type);
    }

    /** @param visiting classes being decided further up (a class that refers to itself is decided by its other fields) */
    private static boolean decide(Class<?> type, Set<Class<?>> visiting)
    {
        if (type.isPrimitive() || KNOWN.contains(type) || type.isEnum() || (type.getSuperclass() != null && type.getSuperclass().isEnum()))
            return true;
        if (type.isArray() || type.isInterface() || !(type.isRecord() || Modifier.isFinal(type.getModifiers())))
            return false;
        if (!visiting.add(type))
            return true;
        try
        {
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass())
            {
                for (Field field : c.getDeclaredFields())
                {
                    int modifiers = field.getModifiers();
                    if (Modifier.isStatic(modifiers) || Modifier.isTransient(modifiers))
                        continue;
                    if (!Modifier.isFinal(modifiers) || !isExactType(field.getType()) || !decide(field.getType(), visiting))
                        return false;
                }
            }
            return true;
        }
        catch (SecurityException | LinkageError x)
        {
            return false; // cannot be inspected: re-encoded like any mutable value
        }
        finally
        {
            visiting.remove(type);
        }
    }

    /** @return true if a field of this declared type can only hold values of exactly that type */
    private static boolean isExactType(Class<?> declared)
    {
        return declared.isPrimitive() || declared.isEnum() || declared.isRecord() || Modifier.isFinal(declared.getModifiers());
    }
}
