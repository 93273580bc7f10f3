package net.jettymemcached.sessions.codec.protostuff;

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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Currency;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.Stack;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.Vector;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.protostuff.runtime.DefaultIdStrategy;

/**
 * The JDK types the protostuff codec writes itself, each known to come back as Java serialization gives it back.
 * Every other JDK type in an attribute sends that attribute to Java serialization, and is refused when read from a
 * protostuff value (a stored value cannot make us instantiate an arbitrary JDK class; see {@link ClassAdmission}).
 */
final class JdkTypes
{
    /** Written inline by protostuff as scalars. */
    private static final Set<Class<?>> SCALARS = Set.of(String.class, Boolean.class, Byte.class, Character.class,
        Short.class, Integer.class, Long.class, Float.class, Double.class, BigDecimal.class, BigInteger.class, Date.class);

    /** Rebuilt by protostuff from their elements, with the same class. */
    private static final Set<Class<?>> COLLECTIONS = Set.of(ArrayList.class, LinkedList.class, Vector.class, Stack.class,
        CopyOnWriteArrayList.class, HashSet.class, LinkedHashSet.class, TreeSet.class, ConcurrentSkipListSet.class,
        CopyOnWriteArraySet.class, ArrayDeque.class, ConcurrentLinkedQueue.class, ConcurrentLinkedDeque.class);

    private static final Set<Class<?>> MAPS = Set.of(HashMap.class, LinkedHashMap.class, TreeMap.class,
        ConcurrentHashMap.class, ConcurrentSkipListMap.class, Hashtable.class);

    /** Immutable values written as text; see {@link TextDelegate}. */
    private static final List<TextDelegate<?>> DELEGATES = List.of(
        // the commonest, as numbers: parsing ISO-8601 costs more than all the rest of a small session
        TextDelegate.of(Instant.EPOCH, i -> i.getEpochSecond() + ":" + i.getNano(), s -> Instant.ofEpochSecond(first(s), second(s))),
        TextDelegate.of(LocalDate.EPOCH, d -> Long.toString(d.toEpochDay()), s -> LocalDate.ofEpochDay(Long.parseLong(s))),
        TextDelegate.of(LocalTime.MIDNIGHT, t -> Long.toString(t.toNanoOfDay()), s -> LocalTime.ofNanoOfDay(Long.parseLong(s))),
        TextDelegate.of(LocalDateTime.MIN, t -> t.toLocalDate().toEpochDay() + ":" + t.toLocalTime().toNanoOfDay(),
            s -> LocalDateTime.of(LocalDate.ofEpochDay(first(s)), LocalTime.ofNanoOfDay(second(s)))),
        TextDelegate.of(OffsetDateTime.MIN, OffsetDateTime::toString, OffsetDateTime::parse),
        TextDelegate.of(OffsetTime.MIN, OffsetTime::toString, OffsetTime::parse),
        TextDelegate.of(ZonedDateTime.of(LocalDateTime.MIN, ZoneOffset.UTC), ZonedDateTime::toString, ZonedDateTime::parse),
        TextDelegate.of(Duration.ZERO, Duration::toString, Duration::parse),
        TextDelegate.of(Period.ZERO, Period::toString, Period::parse),
        TextDelegate.of(Year.of(2000), y -> Integer.toString(y.getValue()), s -> Year.of(Integer.parseInt(s))),
        TextDelegate.of(YearMonth.of(2000, 1), YearMonth::toString, YearMonth::parse),
        TextDelegate.of(MonthDay.of(1, 1), MonthDay::toString, MonthDay::parse),
        TextDelegate.of(ZoneOffset.UTC, ZoneOffset::getId, ZoneOffset::of),
        TextDelegate.of(ZoneId.of("Europe/Paris"), ZoneId::getId, ZoneId::of),
        TextDelegate.of(URI.create("a:b"), URI::toString, URI::create),
        TextDelegate.of(new UUID(0, 0), UUID::toString, UUID::fromString),
        TextDelegate.of(Currency.getInstance("EUR"), Currency::getCurrencyCode, Currency::getInstance),
        TextDelegate.of(Locale.ROOT, Locale::toLanguageTag, Locale::forLanguageTag),
        TextDelegate.of(new StringBuilder(), StringBuilder::toString, StringBuilder::new),
        TextDelegate.of(new StringBuffer(), StringBuffer::toString, StringBuffer::new),
        TextDelegate.of(new AtomicInteger(), a -> Integer.toString(a.get()), s -> new AtomicInteger(Integer.parseInt(s))),
        TextDelegate.of(new AtomicLong(), a -> Long.toString(a.get()), s -> new AtomicLong(Long.parseLong(s))),
        TextDelegate.of(new AtomicBoolean(), a -> Boolean.toString(a.get()), s -> new AtomicBoolean(Boolean.parseBoolean(s))));

    private static final Set<Class<?>> DELEGATED = Set.copyOf(DELEGATES.stream().<Class<?>>map(TextDelegate::typeClass).toList());

    private JdkTypes()
    {
    }

    private static long first(String pair)
    {
        return Long.parseLong(pair, 0, pair.indexOf(':'), 10);
    }

    private static long second(String pair)
    {
        return Long.parseLong(pair, pair.indexOf(':') + 1, pair.length(), 10);
    }

    static void registerDelegates(DefaultIdStrategy strategy)
    {
        DELEGATES.forEach(strategy::registerDelegate);
    }

    /** @return the immutable values written as text, each under its class name */
    static List<TextDelegate<?>> delegates()
    {
        return DELEGATES;
    }

    /** @return whether the class comes with the JDK (bootstrap or platform loader) */
    static boolean isJdk(Class<?> type)
    {
        ClassLoader loader = type.getClassLoader();
        return loader == null || loader == ClassLoader.getPlatformClassLoader();
    }

    /** @return whether the value is written as one scalar or text, with nothing inside to look at */
    static boolean isLeaf(Class<?> type)
    {
        return SCALARS.contains(type) || DELEGATED.contains(type);
    }

    static boolean isScalar(Class<?> type)
    {
        return SCALARS.contains(type);
    }

    static boolean isCollection(Class<?> type)
    {
        return COLLECTIONS.contains(type);
    }

    static boolean isMap(Class<?> type)
    {
        return MAPS.contains(type);
    }

    /** Value checks for types whose fidelity depends on the instance. */
    static boolean isFaithfulInstance(Object value)
    {
        if (value instanceof Locale locale)
            return Locale.forLanguageTag(locale.toLanguageTag()).equals(locale);
        if (value instanceof SortedSet<?> set)
            return set.comparator() == null;
        if (value instanceof SortedMap<?, ?> map)
            return map.comparator() == null;
        return true;
    }
}
