package net.jettymemcached.sessions.codec.protostuff;

import java.io.ObjectInputFilter;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import net.jettymemcached.sessions.codec.AttributeCodec;
import net.jettymemcached.sessions.codec.WebappClasses;
import net.jettymemcached.sessions.format.AttributeCodecs;
import net.jettymemcached.sessions.format.SessionEnvelope;
import net.jettymemcached.sessions.format.UnreadableEnvelopeException;
import net.jettymemcached.sessions.security.DeserializationFilters;
import org.eclipse.jetty.session.SessionData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Spec 3.7: values are read in the webapp's class loader; a class refused by the deserialization filter, or missing,
 * makes the session unreadable without any code of it running, through either codec.
 */
class DeserializationSafetyTest
{
    private static final String ID = "abc-n1";
    private static final String CONTEXT = "_app";

    /** Classes whose static initializer and readObject announce themselves in system properties. */
    private static final String GADGET = """
        package %s;
        public class %s implements java.io.Serializable {
            static { System.setProperty("gadget.initialized", "%s"); }
            public String payload = "boom";
            private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
                in.defaultReadObject();
                System.setProperty("gadget.readObject", "%s");
            }
        }
        """;
    private static final String POJO = """
        package %s;
        public class %s implements java.io.Serializable {
            static { System.setProperty("gadget.initialized", "%s"); }
            public String payload = "boom";
            public java.util.List<String> items = new java.util.ArrayList<>(java.util.List.of("a"));
        }
        """;

    @TempDir
    static Path tmp;
    private static Path classes;

    @BeforeAll
    static void compile()
    {
        classes = WebappClasses.compile(tmp, Map.of(
            "evil.Gadget", GADGET.formatted("evil", "Gadget", "evil.Gadget", "evil.Gadget"),
            "evil.Pojo", POJO.formatted("evil", "Pojo", "evil.Pojo"),
            "org.apache.commons.collections.functors.InvokerTransformer",
            GADGET.formatted("org.apache.commons.collections.functors", "InvokerTransformer", "InvokerTransformer", "InvokerTransformer"),
            "org.apache.commons.collections.functors.Closure", POJO.formatted("org.apache.commons.collections.functors", "Closure", "Closure"),
            "shop.Item", "package shop; public class Item implements java.io.Serializable { public String name; public int count; public Item(String n) { name = n; count = 1; } public Item() { this(\"default\"); } }"));
    }

    @AfterEach
    void clearTraces()
    {
        System.clearProperty("gadget.initialized");
        System.clearProperty("gadget.readObject");
    }

    private static SessionEnvelope envelope(String serializer, String filter)
    {
        ObjectInputFilter f = DeserializationFilters.parse(filter);
        return new SessionEnvelope(AttributeCodecs.of(serializer, f), 16384, 1_000_000, null);
    }

    /** Instantiates {@code className} in a fresh webapp loader and stores it in a session with the given serializer. */
    private static byte[] storeInstanceOf(String className, String serializer) throws Exception
    {
        URLClassLoader writer = WebappClasses.loader(classes);
        return WebappClasses.in(writer, () ->
        {
            SessionData data = new SessionData(ID, CONTEXT, "0.0.0.0", 1, 2, 3, 60_000);
            data.setAttribute("value", writer.loadClass(className).getConstructor().newInstance());
            byte[] bytes = envelope(serializer, "").encode(data);
            assertEquals(serializer, envelope(serializer, "").codecs().writerFor(data.getAttribute("value")).name());
            return bytes;
        });
    }

    private static String unreadable(byte[] bytes, SessionEnvelope envelope, ClassLoader reader) throws Exception
    {
        return WebappClasses.in(reader, () -> assertThrows(UnreadableEnvelopeException.class,
            () -> envelope.decode(bytes, new SessionData(ID, CONTEXT, "0.0.0.0", 0, 0, 0, 0))).getMessage());
    }

    private static Object load(byte[] bytes, SessionEnvelope envelope, ClassLoader reader) throws Exception
    {
        return WebappClasses.in(reader, () -> envelope.decode(bytes, new SessionData(ID, CONTEXT, "0.0.0.0", 0, 0, 0, 0)).getAttribute("value"));
    }

    @Test
    void javaSerializedClassRefusedByTheFilterRunsNoCode() throws Exception
    {
        byte[] bytes = storeInstanceOf("evil.Gadget", "java");
        clearTraces();
        String message = unreadable(bytes, envelope("protostuff", "!evil.*"), WebappClasses.loader(classes));
        assertTrue(message.contains("refused"), message);
        assertNull(System.getProperty("gadget.initialized"), "no static initializer ran");
        assertNull(System.getProperty("gadget.readObject"), "no readObject ran");
    }

    @Test
    void defaultFilterRefusesKnownGadgetPackages() throws Exception
    {
        byte[] java = storeInstanceOf("org.apache.commons.collections.functors.InvokerTransformer", "java");
        byte[] protostuff = storeInstanceOf("org.apache.commons.collections.functors.Closure", "protostuff");
        clearTraces();
        for (byte[] bytes : List.of(java, protostuff))
        {
            String message = unreadable(bytes, envelope("protostuff", ""), WebappClasses.loader(classes));
            assertTrue(message.contains("refused"), message);
        }
        assertNull(System.getProperty("gadget.initialized"));
        assertNull(System.getProperty("gadget.readObject"));
    }

    @Test
    void protostuffClassRefusedByTheFilterRunsNoCode() throws Exception
    {
        byte[] bytes = storeInstanceOf("evil.Pojo", "protostuff");
        clearTraces();
        String message = unreadable(bytes, envelope("protostuff", "!evil.**"), WebappClasses.loader(classes));
        assertTrue(message.contains("refused") && message.contains("evil.Pojo"), message);
        assertNull(System.getProperty("gadget.initialized"), "no static initializer ran");
    }

    @Test
    void anAllowListWorks() throws Exception
    {
        byte[] bytes = storeInstanceOf("shop.Item", "protostuff");
        SessionEnvelope allowShop = envelope("protostuff", "shop.*;java.**;!*");
        assertEquals("shop.Item", load(bytes, allowShop, WebappClasses.loader(classes)).getClass().getName());
        assertTrue(unreadable(bytes, envelope("protostuff", "java.**;!*"), WebappClasses.loader(classes)).contains("refused"));
    }

    @Test
    void missingClassMakesTheSessionUnreadable() throws Exception
    {
        for (String serializer : List.of("protostuff", "java"))
        {
            byte[] bytes = storeInstanceOf("shop.Item", serializer);
            String message = unreadable(bytes, envelope("protostuff", ""), getClass().getClassLoader());
            assertTrue(message.contains("not found") && message.contains("shop.Item"), serializer + ": " + message);
        }
    }

    @Test
    void webappClassesResolveInTheReadingWebappsLoader() throws Exception
    {
        for (String serializer : List.of("protostuff", "java"))
        {
            byte[] bytes = storeInstanceOf("shop.Item", serializer);
            URLClassLoader first = WebappClasses.loader(classes);
            URLClassLoader second = WebappClasses.loader(classes);
            Object a = load(bytes, envelope(serializer, ""), first);
            Object b = load(bytes, envelope(serializer, ""), second);
            assertSame(first, a.getClass().getClassLoader(), serializer);
            assertSame(second, b.getClass().getClassLoader(), serializer + ": a redeployed webapp gets its own class, not a cached one");
            assertNotSame(a.getClass(), b.getClass());
            assertEquals("1", String.valueOf(a.getClass().getField("count").get(a)));
        }
    }

    @Test
    void sameEnvelopeServesTwoWebappsWithSameClassNames(@TempDir Path other) throws Exception
    {
        Path otherClasses = WebappClasses.compile(other, Map.of("shop.Item",
            "package shop; public class Item implements java.io.Serializable { public long sku = 42; public String name; public Item() { } }"));
        SessionEnvelope shared = envelope("protostuff", "");
        URLClassLoader v1 = WebappClasses.loader(classes);
        URLClassLoader v2 = WebappClasses.loader(otherClasses);
        byte[] fromV1 = WebappClasses.in(v1, () -> encodeOne(shared, v1.loadClass("shop.Item").getConstructor(String.class).newInstance("one")));
        byte[] fromV2 = WebappClasses.in(v2, () -> encodeOne(shared, v2.loadClass("shop.Item").getConstructor().newInstance()));
        assertEquals(1, load(fromV1, shared, v1).getClass().getField("count").get(load(fromV1, shared, v1)));
        assertEquals(42L, load(fromV2, shared, v2).getClass().getField("sku").get(load(fromV2, shared, v2)));
    }

    private static byte[] encodeOne(SessionEnvelope envelope, Object value) throws Exception
    {
        SessionData data = new SessionData(ID, CONTEXT, "0.0.0.0", 1, 2, 3, 60_000);
        data.setAttribute("value", value);
        return envelope.encode(data);
    }

    @Test
    void protostuffValueNamingAJdkClassItNeverWritesIsRefused() throws Exception
    {
        // protostuff itself would happily instantiate any JDK class named in the bytes
        assertTrue(ProtostuffEnvironment.usesSerializationConstructors(), "our settings come first");
        byte[] forged = ForgedValues.pojoNamed(AtomicReference.class.getName());
        SessionEnvelope writer = new SessionEnvelope(new RawCodec(forged));
        byte[] bytes = encodeOne(writer, 12345L);
        String message = unreadable(bytes, envelope("protostuff", ""), getClass().getClassLoader());
        assertTrue(message.contains("refused") && message.contains("AtomicReference"), message);
    }

    /** Writes given bytes as if they were a protostuff attribute. */
    private record RawCodec(byte[] bytes) implements AttributeCodec
    {
        @Override
        public int id()
        {
            return ProtostuffAttributeCodec.ID;
        }

        @Override
        public String name()
        {
            return "raw";
        }

        @Override
        public byte[] encode(Object value)
        {
            return bytes;
        }

        @Override
        public Object decode(byte[] bytes)
        {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void protostuffSettingsLeaveNoTraceInTheJvm()
    {
        assertTrue(ProtostuffEnvironment.usesSerializationConstructors());
        assertNull(System.getProperty("protostuff.runtime.always_use_sun_reflection_factory"), "the property is restored after protostuff started");
    }

    @Test
    void javaDepthIsCapped() throws Exception
    {
        Object[] deep = new Object[1];
        Object[] current = deep;
        for (int i = 0; i < 600; i++)
        {
            Object[] next = new Object[1];
            current[0] = next;
            current = next;
        }
        SessionEnvelope java = envelope("java", "");
        byte[] bytes = encodeOne(java, deep);
        String message = unreadable(bytes, java, getClass().getClassLoader());
        assertTrue(message.contains("refused"), message);
    }
}
