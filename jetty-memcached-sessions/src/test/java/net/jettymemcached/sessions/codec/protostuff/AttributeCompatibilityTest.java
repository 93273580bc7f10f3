package net.jettymemcached.sessions.codec.protostuff;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Currency;
import java.util.Date;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

import net.jettymemcached.sessions.codec.protostuff.CompatibilityTypes.Catalog;
import net.jettymemcached.sessions.codec.protostuff.CompatibilityTypes.Colour;
import net.jettymemcached.sessions.codec.protostuff.CompatibilityTypes.CustomSerialized;
import net.jettymemcached.sessions.codec.protostuff.CompatibilityTypes.Kennel;
import net.jettymemcached.sessions.codec.protostuff.CompatibilityTypes.Money;
import net.jettymemcached.sessions.codec.protostuff.CompatibilityTypes.Node;
import net.jettymemcached.sessions.codec.protostuff.CompatibilityTypes.Operation;
import net.jettymemcached.sessions.codec.protostuff.CompatibilityTypes.Pair;
import net.jettymemcached.sessions.codec.protostuff.CompatibilityTypes.Playlist;
import net.jettymemcached.sessions.codec.protostuff.CompatibilityTypes.Point;
import net.jettymemcached.sessions.codec.protostuff.CompatibilityTypes.Singleton;
import net.jettymemcached.sessions.codec.protostuff.CompatibilityTypes.WithTransients;
import net.jettymemcached.sessions.format.SessionEnvelope;
import org.eclipse.jetty.session.SessionData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Spec 3.7: any attribute value that Java serialization round-trips comes back through the default codec as Java
 * serialization gives it back: same class, equal content, same order where the type has one, identities and cycles
 * kept. Each row also pins which codec writes the value, which is the documented list of Java fallbacks.
 */
class AttributeCompatibilityTest
{
    private static final String PROTOSTUFF = "protostuff";
    private static final String JAVA = "java";
    private static final String TEXT = "text";
    private static final SessionEnvelope ENVELOPE = new SessionEnvelope(new ProtostuffAttributeCodec());
    private static final Map<String, String> WRITTEN_BY = new java.util.TreeMap<>();

    /** One row: a value, the codec expected to write it, and checks beyond "same class, equal to Java's copy". */
    record Row(String name, String codec, Supplier<Object> value, BiConsumer<Object, Object> check)
    {
        @Override
        public String toString()
        {
            return name;
        }
    }

    private static Row row(String name, String codec, Supplier<Object> value)
    {
        return new Row(name, codec, value, (java, ours) -> {});
    }

    private static Row row(String name, String codec, Supplier<Object> value, BiConsumer<Object, Object> check)
    {
        return new Row(name, codec, value, check);
    }

    static Stream<Row> rows()
    {
        return Stream.of(
            // boxed primitives and their arrays
            row("Boolean", PROTOSTUFF, () -> Boolean.TRUE),
            row("Byte", PROTOSTUFF, () -> (byte)-7),
            row("Short", PROTOSTUFF, () -> (short)1234),
            row("Character", PROTOSTUFF, () -> '\u00e9'),
            row("Integer", PROTOSTUFF, () -> Integer.MIN_VALUE),
            row("Long", PROTOSTUFF, () -> Long.MAX_VALUE),
            row("Float", PROTOSTUFF, () -> Float.NaN),
            row("Double", PROTOSTUFF, () -> -0.0d),
            row("boolean[]", PROTOSTUFF, () -> new boolean[]{true, false}),
            row("byte[]", PROTOSTUFF, () -> new byte[]{0, -1, 127}),
            row("char[]", PROTOSTUFF, () -> "h\u00e9llo".toCharArray()),
            row("int[]", PROTOSTUFF, () -> new int[]{1, -2, Integer.MAX_VALUE}),
            row("long[]", PROTOSTUFF, () -> new long[]{Long.MIN_VALUE, 0}),
            row("double[]", PROTOSTUFF, () -> new double[]{1.5, Double.NEGATIVE_INFINITY}),
            row("Integer[] with null", PROTOSTUFF, () -> new Integer[]{1, null, 3}),
            row("int[][]", PROTOSTUFF, () -> new int[][]{{1}, {2, 3}, {}}),
            row("Object[] mixed", PROTOSTUFF, () -> new Object[]{"s", 1, null, new int[]{4}, Colour.RED}),
            row("Comparable[] of JDK values and an enum", PROTOSTUFF, () -> new Comparable<?>[]{"s", 1, Colour.RED}),
            row("Number[]", PROTOSTUFF, () -> new Number[]{1, 2.5, new BigDecimal("1.50")}),
            row("Serializable[][]", PROTOSTUFF, () -> new java.io.Serializable[][]{{"a", 2L}, {}}),
            // text and numbers
            row("String", TEXT, () -> "h\u00e9llo w\u00f6rld \u65e5\u672c \uD83D\uDE00"),
            row("empty String", TEXT, () -> ""),
            row("String with lone surrogates", PROTOSTUFF, () -> "a\uD800b\uDC00c"),
            row("List of odd strings", PROTOSTUFF, () -> new ArrayList<>(List.of("\u0000", "\u0000starts with NUL", "x\uDBFFy", "\u0000starts with NUL", "repeated string", "repeated string"))),
            row("StringBuilder", PROTOSTUFF, () -> new StringBuilder("built")),
            row("BigDecimal keeps scale", PROTOSTUFF, () -> new BigDecimal("19.900")),
            row("BigInteger", PROTOSTUFF, () -> new BigInteger("-123456789012345678901234567890")),
            row("AtomicInteger", PROTOSTUFF, () -> new AtomicInteger(42)),
            row("AtomicLong", PROTOSTUFF, () -> new AtomicLong(-42)),
            row("AtomicBoolean", PROTOSTUFF, () -> new AtomicBoolean(true)),
            // dates and times
            row("Date", PROTOSTUFF, () -> new Date(1_700_000_000_123L)),
            row("Instant", PROTOSTUFF, () -> Instant.ofEpochSecond(1_700_000_000L, 123_456_789)),
            row("LocalDate", PROTOSTUFF, () -> LocalDate.of(2024, 2, 29)),
            row("LocalTime", PROTOSTUFF, () -> LocalTime.of(23, 59, 0, 1)),
            row("LocalDateTime", PROTOSTUFF, () -> LocalDateTime.of(2024, 12, 31, 23, 59, 59, 999_999_999)),
            row("OffsetDateTime", PROTOSTUFF, () -> OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.ofHours(-5))),
            row("ZonedDateTime", PROTOSTUFF, () -> ZonedDateTime.of(2024, 10, 27, 2, 30, 0, 0, ZoneId.of("Europe/Paris")).withLaterOffsetAtOverlap()),
            row("Duration", PROTOSTUFF, () -> Duration.ofSeconds(-90, 5)),
            row("Period", PROTOSTUFF, () -> Period.of(1, -2, 3)),
            row("Year, YearMonth, MonthDay", PROTOSTUFF, () -> new ArrayList<>(List.of(Year.of(12024), YearMonth.of(2024, 2), MonthDay.of(2, 29)))),
            row("ZoneId and ZoneOffset", PROTOSTUFF, () -> new ArrayList<>(List.of(ZoneId.of("America/New_York"), ZoneOffset.ofHoursMinutes(5, 30)))),
            // other JDK values
            row("UUID", PROTOSTUFF, () -> UUID.fromString("123e4567-e89b-12d3-a456-426614174000")),
            row("Locale", PROTOSTUFF, () -> Locale.forLanguageTag("de-CH-u-nu-latn")),
            row("URI", PROTOSTUFF, () -> URI.create("https://user@example.com:8443/a%20b/c?q=1&r=%C3%A9#frag"), (java, ours) -> assertEquals(((URI)java).getHost(), ((URI)ours).getHost())),
            row("Currency", PROTOSTUFF, () -> Currency.getInstance("CHF"), (java, ours) -> assertSame(java, ours)),
            // enums
            row("enum", PROTOSTUFF, () -> Colour.GREEN, (java, ours) -> assertSame(java, ours)),
            row("enum with constant bodies", PROTOSTUFF, () -> Operation.TIMES, (java, ours) -> assertEquals(12, ((Operation)ours).apply(3, 4))),
            row("EnumSet", JAVA, () -> EnumSet.of(Colour.RED, Colour.BLUE)),
            row("EnumMap", JAVA, () -> new EnumMap<>(Map.of(Colour.RED, 1, Colour.BLUE, 3))),
            // collections and maps
            row("ArrayList with null", PROTOSTUFF, () -> new ArrayList<>(Arrays.asList("a", null, 3, 4.5))),
            row("LinkedList", PROTOSTUFF, () -> new LinkedList<>(List.of("x", "y"))),
            row("ArrayDeque", PROTOSTUFF, () -> new ArrayDeque<>(List.of(1, 2, 3))),
            row("CopyOnWriteArrayList", PROTOSTUFF, () -> new CopyOnWriteArrayList<>(List.of("c"))),
            row("HashMap with null key and value", PROTOSTUFF, () -> hashMapWithNulls()),
            row("LinkedHashMap keeps order", PROTOSTUFF, () -> linkedHashMap()),
            row("TreeMap natural order", PROTOSTUFF, () -> new TreeMap<>(Map.of("b", 2, "a", 1, "c", 3))),
            row("TreeMap with a comparator", JAVA, () -> treeMapWithComparator(),
                (java, ours) -> assertEquals(((SortedMap<?, ?>)java).comparator().getClass(), ((SortedMap<?, ?>)ours).comparator().getClass())),
            row("ConcurrentHashMap", PROTOSTUFF, () -> new ConcurrentHashMap<>(Map.of("k", List.of(1, 2).size(), "l", 3))),
            row("HashSet", PROTOSTUFF, () -> new HashSet<>(Arrays.asList("a", "b", null))),
            row("LinkedHashSet keeps order", PROTOSTUFF, () -> new LinkedHashSet<>(List.of("z", "a", "m"))),
            row("TreeSet natural order", PROTOSTUFF, () -> new TreeSet<>(List.of(3, 1, 2))),
            row("Collections.unmodifiableList", JAVA, () -> Collections.unmodifiableList(new ArrayList<>(List.of(1, 2)))),
            row("Collections.unmodifiableMap", JAVA, () -> Collections.unmodifiableMap(new HashMap<>(Map.of("a", 1)))),
            row("Collections.unmodifiableSet", JAVA, () -> Collections.unmodifiableSet(new HashSet<>(Set.of("a")))),
            row("Collections.synchronizedList", JAVA, () -> Collections.synchronizedList(new ArrayList<>(List.of("s")))),
            row("Collections.synchronizedMap", JAVA, () -> Collections.synchronizedMap(new HashMap<>(Map.of("s", 1)))),
            row("Collections.emptyList", JAVA, Collections::emptyList, (java, ours) -> assertSame(java, ours)),
            row("Collections.emptyMap", JAVA, Collections::emptyMap, (java, ours) -> assertSame(java, ours)),
            row("Collections.emptySet", JAVA, Collections::emptySet, (java, ours) -> assertSame(java, ours)),
            row("Collections.singletonList", JAVA, () -> Collections.singletonList("one")),
            row("Collections.singleton", JAVA, () -> Collections.singleton("one")),
            row("Collections.singletonMap", JAVA, () -> Collections.singletonMap("k", "v")),
            row("Arrays.asList", JAVA, () -> Arrays.asList("a", "b")),
            row("List.of", JAVA, () -> List.of(1, 2, 3)),
            row("Set.of", JAVA, () -> Set.of("only")),
            row("Map.of", JAVA, () -> Map.of("k", "v", "k2", "v2")),
            // application classes
            row("record", JAVA, () -> new Point(1, 2, "p")),
            row("POJO without a no-arg constructor", PROTOSTUFF, () -> new Money(new BigDecimal("9.99"), "EUR")),
            row("POJO with transient fields", PROTOSTUFF, WithTransients::new, (java, ours) ->
            {
                assertNull(((WithTransients)ours).cache);
                assertEquals(0, ((WithTransients)ours).counter);
            }),
            row("class with writeObject/readObject", JAVA, () -> new CustomSerialized("Mixed")),
            row("readResolve singleton", JAVA, () -> Singleton.INSTANCE, (java, ours) -> assertSame(Singleton.INSTANCE, ours)),
            row("parent-child cycle", PROTOSTUFF, () -> tree(), (java, ours) ->
            {
                Node root = (Node)ours;
                assertEquals(2, root.children.size());
                assertSame(root, root.children.get(0).parent);
                assertSame(root.children.get(0), root.children.get(0).children.get(0).parent);
            }),
            row("one object referenced twice", PROTOSTUFF, () -> pairSharing(), (java, ours) ->
            {
                Pair pair = (Pair)ours;
                assertSame(pair.first, pair.second);
                assertSame(((List<?>)pair.first).get(0), pair);
            }),
            row("superclass field holding a subclass", PROTOSTUFF, Kennel::new),
            row("nested generic collections", PROTOSTUFF, () -> catalog()),
            row("List of lists and maps", PROTOSTUFF, () -> new ArrayList<>(List.of(new LinkedList<>(List.of("a")), new TreeMap<>(Map.of("k", new HashSet<>(Set.of(1))))))),
            row("Map field holding a LinkedHashMap", JAVA, () -> new Playlist(new ArrayList<>(List.of("s")), linkedHashMap(), new Date(1))),
            row("List field holding a LinkedList", JAVA, () -> new Playlist(new LinkedList<>(List.of("s")), new HashMap<>(), new Date(1))),
            row("Date field holding a Timestamp", JAVA, () -> new Playlist(new ArrayList<>(List.of("s")), new HashMap<>(), new Timestamp(5))),
            row("interface fields holding their default classes", PROTOSTUFF, () -> new Playlist(new ArrayList<>(List.of("s")), new HashMap<>(Map.of("s", 3)), new Date(1))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void roundTripsAsJavaSerializationDoes(Row row) throws Exception
    {
        Object original = row.value().get();
        Object java = javaRoundTrip(row.value().get());
        Object ours = envelopeRoundTrip(original);

        assertSameAsJava(java, ours);
        row.check().accept(java, ours);
        String codec = ENVELOPE.codecs().writerFor(row.value().get()).name();
        WRITTEN_BY.put(row.name(), codec);
        assertEquals(row.codec(), codec, "codec that writes " + row.name());
    }

    @AfterAll
    static void printFallbacks()
    {
        System.out.println("Attributes written with the Java fallback (serializer=protostuff): " +
            WRITTEN_BY.entrySet().stream().filter(e -> e.getValue().equals(JAVA)).map(Map.Entry::getKey).toList());
    }

    static Object envelopeRoundTrip(Object value) throws Exception
    {
        SessionData data = new SessionData("abc-n1", "_app", "0.0.0.0", 1, 2, 3, 60_000);
        data.setAttribute("value", value);
        byte[] bytes = ENVELOPE.encode(data);
        return ENVELOPE.decode(bytes, new SessionData("abc-n1", "_app", "0.0.0.0", 0, 0, 0, 0)).getAttribute("value");
    }

    static Object javaRoundTrip(Object value) throws Exception
    {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes))
        {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray())))
        {
            return in.readObject();
        }
    }

    /** Same class; equal content; same iteration order for ordered types; for identity-equal types, same text. */
    static void assertSameAsJava(Object java, Object ours)
    {
        assertEquals(java.getClass(), ours.getClass(), "class");
        if (java.getClass().isArray())
        {
            assertTrue(Objects.deepEquals(java, ours), () -> "array content: " + Arrays.deepToString(new Object[]{java}) + " vs " + Arrays.deepToString(new Object[]{ours}));
            return;
        }
        if (java instanceof List || java instanceof Queue || java instanceof LinkedHashSet || java instanceof SortedSet)
            assertEquals(new ArrayList<>((Collection<?>)java), new ArrayList<>((Collection<?>)ours), "elements in order");
        if (java instanceof LinkedHashMap || java instanceof SortedMap)
            assertEquals(new ArrayList<>(((Map<?, ?>)java).entrySet()), new ArrayList<>(((Map<?, ?>)ours).entrySet()), "entries in order");
        if (overridesEquals(java.getClass()))
            assertEquals(java, ours);
        else if (!(java instanceof Node || java instanceof Pair || java instanceof Singleton))
            assertEquals(java.toString(), ours.toString());
    }

    private static boolean overridesEquals(Class<?> type)
    {
        try
        {
            return type.getMethod("equals", Object.class).getDeclaringClass() != Object.class;
        }
        catch (NoSuchMethodException x)
        {
            return false;
        }
    }

    private static Map<String, Integer> hashMapWithNulls()
    {
        Map<String, Integer> map = new HashMap<>();
        map.put(null, 1);
        map.put("nothing", null);
        map.put("one", 1);
        return map;
    }

    private static Map<String, Integer> linkedHashMap()
    {
        Map<String, Integer> map = new LinkedHashMap<>();
        for (String key : List.of("zeta", "alpha", "mu", "beta", "omega", "gamma", "delta", "eta", "theta", "iota", "kappa", "lambda", "nu"))
            map.put(key, key.length());
        return map;
    }

    private static TreeMap<String, Integer> treeMapWithComparator()
    {
        TreeMap<String, Integer> map = new TreeMap<>((Comparator<String> & java.io.Serializable)(a, b) -> b.compareTo(a));
        map.putAll(Map.of("a", 1, "b", 2, "c", 3));
        return map;
    }

    private static Node tree()
    {
        Node root = new Node("root");
        root.add("left").add("left.left");
        root.add("right");
        return root;
    }

    private static Pair pairSharing()
    {
        Pair pair = new Pair();
        List<Object> shared = new ArrayList<>();
        shared.add(pair);
        pair.first = shared;
        pair.second = shared;
        return pair;
    }

    private static Catalog catalog()
    {
        Catalog catalog = new Catalog();
        catalog.sections.put("fruit", new ArrayList<>(List.of(new HashMap<>(Map.of("apple", 3)), new TreeMap<>(Map.of("pear", 1)))));
        catalog.tags.add(new LinkedList<>(List.of("red", "sweet")));
        catalog.byColour.put(Colour.RED, new HashMap<>(Map.of("cheap", new ArrayList<>(List.of(new Money(BigDecimal.ONE, "EUR"))))));
        return catalog;
    }
}
