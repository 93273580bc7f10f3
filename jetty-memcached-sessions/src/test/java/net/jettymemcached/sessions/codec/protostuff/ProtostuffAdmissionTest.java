package net.jettymemcached.sessions.codec.protostuff;

import java.io.Serializable;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import net.jettymemcached.sessions.codec.WebappClasses;
import net.jettymemcached.sessions.format.SessionEnvelope;
import net.jettymemcached.sessions.format.UnreadableEnvelopeException;
import org.eclipse.jetty.session.SessionData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A protostuff value may name only what the encoder writes through protostuff: the classes {@link ClassVerdict}
 * admits, in the webapp's class loader, each where the encoder would write it. Anything else makes the value
 * unreadable before any code of the named class runs.
 */
class ProtostuffAdmissionTest
{
    private static final String TRACE = """
        package evil;
        public final class Trace {
            public static void ran(String what) {
                System.setProperty("ran." + Trace.class.getClassLoader().getName() + "." + what, "yes");
            }
        }
        """;

    @TempDir
    static Path tmp;
    private static Path classes;

    @BeforeAll
    static void compile()
    {
        classes = WebappClasses.compile(tmp, Map.of(
            "evil.Trace", TRACE,
            "evil.Unserializable", """
                package evil;
                public class Unserializable {
                    static { Trace.ran("static"); }
                    public String payload = "boom";
                    public Unserializable() { Trace.ran("constructor"); }
                    public int hashCode() { Trace.ran("hashCode"); return 1; }
                }
                """,
            "evil.Guarded", """
                package evil;
                public class Guarded implements java.io.Serializable {
                    static { Trace.ran("static"); }
                    private int balance;
                    public Guarded(int balance) { this.balance = balance; }
                    private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
                        Trace.ran("readObject");
                        in.defaultReadObject();
                        if (balance < 0) throw new java.io.InvalidObjectException("negative balance");
                    }
                }
                """));
    }

    @AfterEach
    void clearTraces()
    {
        System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith("ran.")).forEach(System::clearProperty);
    }

    private static URLClassLoader loader(String name) throws Exception
    {
        return new URLClassLoader(name, new java.net.URL[]{classes.toUri().toURL()}, ProtostuffAdmissionTest.class.getClassLoader());
    }

    /** @return why the value is unreadable, read as an attribute in the given loader with the default filter */
    static String unreadable(byte[] protostuff, ClassLoader reader) throws Exception
    {
        SessionData data = new SessionData("abc-n1", "_app", "0.0.0.0", 1, 2, 3, 60_000);
        data.setAttribute("value", "placeholder");
        byte[] stored = new SessionEnvelope(new ForgedValues.RawCodec(protostuff)).encode(data);
        SessionEnvelope envelope = new SessionEnvelope(new ProtostuffAttributeCodec());
        return WebappClasses.in(reader, () -> assertThrows(UnreadableEnvelopeException.class,
            () -> envelope.decode(stored, new SessionData("abc-n1", "_app", "0.0.0.0", 0, 0, 0, 0))).getMessage());
    }

    private static List<String> traces()
    {
        return System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith("ran.reader.")).sorted().toList();
    }

    @Test
    void aClassThatIsNotSerializableIsRefusedAndRunsNoCode() throws Exception
    {
        byte[] forged = ForgedValues.holding(loader("forger").loadClass("evil.Unserializable").getConstructor().newInstance());
        String message = unreadable(forged, loader("reader"));
        assertTrue(message.contains("refused") && message.contains("evil.Unserializable"), message);
        assertEquals(List.of(), traces());
    }

    @Test
    void aClassGuardedByReadObjectIsRefusedAndRunsNoCode() throws Exception
    {
        byte[] forged = ForgedValues.holding(loader("forger").loadClass("evil.Guarded").getConstructor(int.class).newInstance(-100));
        String message = unreadable(forged, loader("reader"));
        assertTrue(message.contains("refused") && message.contains("evil.Guarded"), message);
        assertEquals(List.of(), traces());
    }

    @Test
    void aJettyServerClassIsRefused() throws Exception
    {
        String message = unreadable(ForgedValues.pojoNamed(org.eclipse.jetty.server.Server.class.getName()), loader("reader"));
        assertTrue(message.contains("refused") && message.contains("org.eclipse.jetty.server.Server"), message);
    }

    static Stream<Arguments> neverWritten()
    {
        return Stream.of(
            Arguments.of("a JDK class as an object", ForgedValues.pojoNamed("java.lang.ProcessBuilder")),
            Arguments.of("a class literal", ForgedValues.named(ForgedValues.CLASS, "java.lang.Runtime")),
            Arguments.of("an EnumSet", ForgedValues.named(ForgedValues.ENUM_SET, "java.util.concurrent.TimeUnit")),
            Arguments.of("a collection by its full name", ForgedValues.named(ForgedValues.COLLECTION, "java.util.ArrayList")),
            Arguments.of("a queue that compares its elements", ForgedValues.named(ForgedValues.COLLECTION, "PriorityQueue")),
            Arguments.of("a map the encoder leaves to Java", ForgedValues.named(ForgedValues.MAP, "WeakHashMap")),
            Arguments.of("a bare Object", new ForgedValues.Bytes().raw("0b").tag(16, 0).varint(0).raw("0c").toArray()),
            Arguments.of("Collections.emptyList", new ForgedValues.Bytes().raw("0b").tag(28, 0).varint(0).tag(2, 0).varint(0).raw("0c").toArray()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("neverWritten")
    void kindsTheEncoderNeverWritesAreRefused(String kind, byte[] forged) throws Exception
    {
        String message = unreadable(forged, getClass().getClassLoader());
        assertTrue(message.contains("refused"), message);
    }

    /** Two classes with names of the same length, so that one can be swapped for the other in the bytes. */
    public static final class Parcel implements Serializable
    {
        String street = "main";
        long number = 5;
    }

    public static class Animal implements Serializable
    {
        String name = "rex";
    }

    public static final class Canine extends Animal
    {
        int legs = 4;
    }

    public static final class Person implements Serializable
    {
        String name = "ann";
        Parcel parcel = new Parcel();
        Animal pet = new Canine();
    }

    @Test
    void aReferenceCannotPutAnObjectOfAnotherClassIntoAField() throws Exception
    {
        // Person's second field, of the final class Parcel, as a reference to the first object read: the Person itself
        byte[] forged = new ForgedValues.Bytes().raw("0b").tag(ForgedValues.POJO, 2).string(Person.class.getName())
            .tag(1, 2).string("ann").tag(2, 6).varint(0).raw("0c").toArray();
        String message = unreadable(forged, getClass().getClassLoader());
        assertTrue(message.contains("parcel"), message);
    }

    @Test
    void aClassNamedForAFieldMustFitTheField() throws Exception
    {
        // Person.pet declared Animal, written as a Canine, renamed to Parcel (same length): not an Animal
        byte[] written = ForgedValues.holding(new Person());
        byte[] forged = replace(written, Canine.class.getName(), Parcel.class.getName());
        String message = unreadable(forged, getClass().getClassLoader());
        assertTrue(message.contains("pet") || message.contains("Animal"), message);
    }

    private static byte[] replace(byte[] bytes, String from, String to)
    {
        byte[] a = from.getBytes(StandardCharsets.UTF_8);
        byte[] b = to.getBytes(StandardCharsets.UTF_8);
        byte[] copy = bytes.clone();
        for (int i = 0; i + a.length <= copy.length; i++)
        {
            if (Arrays.equals(copy, i, i + a.length, a, 0, a.length))
            {
                System.arraycopy(b, 0, copy, i, b.length);
                return copy;
            }
        }
        throw new AssertionError(from + " not found");
    }
}
