package net.jettymemcached.sessions.format;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import net.jettymemcached.sessions.codec.AttributeCodec;
import net.jettymemcached.sessions.codec.JavaAttributeCodec;
import net.jettymemcached.sessions.codec.WebappClasses;
import net.jettymemcached.sessions.codec.protostuff.CompatibilityTypes;
import net.jettymemcached.sessions.security.DeserializationFilters;
import net.jettymemcached.sessions.security.Signer;
import org.eclipse.jetty.session.SessionData;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Spec 3.7: serializer choice, compression, the size limit, signing with key rotation. */
class EnvelopeFeaturesTest
{
    private static final String ID = "node0abc-n1";
    private static final String CONTEXT = "_shop";
    private static final String KEY_A = "first-key-0123456789";
    private static final String KEY_B = "second-key-9876543210";

    private static SessionEnvelope envelope(String serializer, int threshold, int maxSize, String keys)
    {
        return new SessionEnvelope(AttributeCodecs.of(serializer, DeserializationFilters.parse(null)), threshold, maxSize, Signer.parse(keys));
    }

    private static SessionEnvelope signed(String keys)
    {
        return envelope("protostuff", SessionEnvelope.DEFAULT_COMPRESSION_THRESHOLD, SessionEnvelope.DEFAULT_MAX_SESSION_SIZE, keys);
    }

    private static SessionData session()
    {
        SessionData data = new SessionData(ID, CONTEXT, "0.0.0.0", 10, 20, 30, 60_000);
        data.setAttribute("user", "alice");
        data.setAttribute("cart", new ArrayList<>(List.of("apple", "pear")));
        return data;
    }

    private static SessionData target()
    {
        return new SessionData(ID, CONTEXT, "0.0.0.0", 0, 0, 0, 0);
    }

    private static byte[] random(int length)
    {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }

    private static String message(SessionEnvelope envelope, byte[] bytes)
    {
        return assertThrows(UnreadableEnvelopeException.class, () -> envelope.decode(bytes, target())).getMessage();
    }

    @Test
    void everySerializerReadsWhatAnyOtherWrote() throws Exception
    {
        SessionEnvelope protostuff = envelope("protostuff", 16384, 1_000_000, null);
        SessionEnvelope java = envelope("java", 16384, 1_000_000, null);
        for (SessionEnvelope writer : List.of(protostuff, java))
        {
            byte[] bytes = writer.encode(session());
            for (SessionEnvelope reader : List.of(protostuff, java))
                assertEquals(List.of("apple", "pear"), reader.decode(bytes, target()).getAttribute("cart"));
        }
        assertEquals("java", java.codecs().writerFor(new ArrayList<>()).name());
        assertEquals("protostuff", protostuff.codecs().writerFor(new ArrayList<>()).name());
    }

    @Test
    void protostuffIsSmallerThanJava() throws Exception
    {
        int protostuff = envelope("protostuff", 16384, 1_000_000, null).encode(session()).length;
        int java = envelope("java", 16384, 1_000_000, null).encode(session()).length;
        assertTrue(protostuff < java, () -> "protostuff " + protostuff + " bytes, java " + java);
    }

    @Test
    void enumsAreStoredByName() throws Exception
    {
        SessionData data = session();
        data.setAttribute("colour", CompatibilityTypes.Colour.BLUE);
        String text = new String(envelope("protostuff", 16384, 1_000_000, null).encode(data), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(text.contains("BLUE"), "the constant's name is in the stored bytes");
    }

    @Test
    void customCodecByClassName() throws Exception
    {
        SessionEnvelope custom = envelope(UpperCaseCodec.class.getName(), 16384, 1_000_000, null);
        byte[] bytes = custom.encode(session());
        SessionData decoded = custom.decode(bytes, target());
        assertEquals("alice", decoded.getAttribute("user"));
        assertEquals(List.of("apple", "pear"), decoded.getAttribute("cart"), "the list went to the Java fallback");
        assertTrue(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).contains("ALICE"));
        assertThrows(UnreadableEnvelopeException.class, () -> envelope("protostuff", 16384, 1_000_000, null).decode(bytes, target()),
            "a reader without the custom codec cannot read its attributes");
        assertThrows(IllegalArgumentException.class, () -> AttributeCodecs.of("com.example.NoSuchCodec", DeserializationFilters.parse(null)));
        assertThrows(IllegalArgumentException.class, () -> AttributeCodecs.of(String.class.getName(), DeserializationFilters.parse(null)));
        assertThrows(IllegalArgumentException.class, () -> AttributeCodecs.of(LowIdCodec.class.getName(), DeserializationFilters.parse(null)));
    }

    /** A custom codec for Strings only. */
    public static class UpperCaseCodec implements AttributeCodec
    {
        @Override
        public int id()
        {
            return 130;
        }

        @Override
        public String name()
        {
            return "upper";
        }

        @Override
        public boolean canEncode(Object value)
        {
            return value instanceof String s && s.equals(s.toLowerCase());
        }

        @Override
        public byte[] encode(Object value)
        {
            return ((String)value).toUpperCase().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }

        @Override
        public Object decode(byte[] bytes)
        {
            return new String(bytes, java.nio.charset.StandardCharsets.UTF_8).toLowerCase();
        }
    }

    /** Claims an id reserved for built-in codecs. */
    public static class LowIdCodec extends UpperCaseCodec
    {
        @Override
        public int id()
        {
            return 3;
        }
    }

    @Test
    void compressesAboveTheThresholdOnly() throws Exception
    {
        SessionData data = session();
        data.setAttribute("text", "compressible ".repeat(4000));
        SessionEnvelope compressing = envelope("protostuff", 16384, 1_000_000, null);
        SessionEnvelope never = envelope("protostuff", Integer.MAX_VALUE, 1_000_000, null);
        byte[] compressed = compressing.encode(data);
        byte[] plain = never.encode(data);
        assertEquals(SessionEnvelope.COMPRESSED, compressed[3] & SessionEnvelope.COMPRESSED);
        assertEquals(0, plain[3] & SessionEnvelope.COMPRESSED);
        assertTrue(compressed.length * 10 < plain.length, compressed.length + " vs " + plain.length);
        assertEquals(data.getAttribute("text"), never.decode(compressed, target()).getAttribute("text"), "any reader inflates");
        assertEquals(0, compressing.encode(session())[3] & SessionEnvelope.COMPRESSED, "small sessions are not compressed");

        SessionData incompressible = session();
        incompressible.setAttribute("noise", random(40_000));
        assertEquals(0, compressing.encode(incompressible)[3] & SessionEnvelope.COMPRESSED, "kept plain when deflate does not help");
    }

    @Test
    void damagedCompressedValuesAreUnreadable() throws Exception
    {
        SessionData data = session();
        data.setAttribute("text", "compressible ".repeat(4000));
        SessionEnvelope envelope = envelope("protostuff", 100, 1_000_000, null);
        byte[] good = envelope.encode(data);
        for (int i = 12; i < good.length - 4; i += 97) // after the header (magic, version, flags, generation)
        {
            byte[] bad = good.clone();
            bad[i] ^= 0x20;
            fixCrc(bad);
            assertThrows(UnreadableEnvelopeException.class, () -> envelope.decode(bad, target()));
        }
        byte[] lying = good.clone();
        lying[12] = 0x7F; // the recorded inflated length
        fixCrc(lying);
        assertTrue(message(envelope, lying).contains("inflate"), message(envelope, lying));
    }

    @Test
    void refusesSessionsOverTheLimitNamingTheLargestAttributes() throws Exception
    {
        SessionData data = session();
        data.setAttribute("photo", random(30_000));
        data.setAttribute("thumbnail", random(3_000));
        SessionEnvelope envelope = envelope("protostuff", 16384, 20_000, null);
        SessionTooLargeException x = assertThrows(SessionTooLargeException.class, () -> envelope.encode(data));
        assertEquals(20_000, x.getLimit());
        assertTrue(x.getSize() > 20_000);
        assertEquals(List.of("photo", "thumbnail", "cart"), x.getLargestAttributes().stream().map(Map.Entry::getKey).toList());
        assertTrue(x.getMessage().contains("photo=") && x.getMessage().contains("thumbnail=") && x.getMessage().contains("maxSessionSize.bytes"), x.getMessage());

        SessionData compressible = session();
        compressible.setAttribute("text", "x".repeat(100_000));
        assertNotNull(envelope.encode(compressible), "the limit applies after compression");
    }

    @Test
    void signedValuesVerifyAndTamperingIsDetected() throws Exception
    {
        SessionEnvelope envelope = signed(KEY_A);
        byte[] good = envelope.encode(session());
        assertEquals(SessionEnvelope.SIGNED, good[3] & SessionEnvelope.SIGNED);
        assertEquals("alice", envelope.decode(good, target()).getAttribute("user"));
        for (int i = 4; i < good.length - 4; i++)
        {
            byte[] bad = good.clone();
            bad[i] ^= 0x01;
            fixCrc(bad); // a forger recomputes the checksum; he cannot recompute the signature
            assertThrows(UnreadableEnvelopeException.class, () -> envelope.decode(bad, target()), "byte " + i);
        }
        byte[] flipped = good.clone();
        flipped[20] ^= 0x01;
        fixCrc(flipped);
        assertTrue(message(envelope, flipped).contains("signature"), message(envelope, flipped));
    }

    @Test
    void unsignedValuesAreUnreadableWhenSigningIsOn() throws Exception
    {
        byte[] unsigned = signed(null).encode(session());
        assertTrue(message(signed(KEY_A), unsigned).contains("not signed"));
        byte[] stripped = signed(KEY_A).encode(session());
        stripped[3] &= ~SessionEnvelope.SIGNED;
        fixCrc(stripped);
        assertThrows(UnreadableEnvelopeException.class, () -> signed(KEY_A).decode(stripped, target()));
    }

    @Test
    void keysRotateWithoutLosingSessions() throws Exception
    {
        byte[] oldKey = signed(KEY_A).encode(session());
        SessionEnvelope rotating = signed(KEY_B + "," + KEY_A);
        assertEquals("alice", rotating.decode(oldKey, target()).getAttribute("user"), "the old key still verifies");
        byte[] newKey = rotating.encode(session());
        assertEquals("alice", signed(KEY_B).decode(newKey, target()).getAttribute("user"), "the first key signs");
        assertTrue(message(signed(KEY_B), oldKey).contains("signature"), "once the old key is dropped its values are unreadable");
        assertEquals("alice", signed(null).decode(newKey, target()).getAttribute("user"), "turning signing off keeps sessions");
    }

    @Test
    void badKeysAreRefusedWithoutShowingThem()
    {
        for (String keys : List.of("short", KEY_A + ",", KEY_A + ", ,"))
        {
            IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> Signer.parse(keys));
            assertFalse(x.getMessage().contains("short") && x.getMessage().contains("'short'"));
            assertFalse(x.getMessage().contains(KEY_A), x.getMessage());
        }
        assertNull(Signer.parse(" "));
    }

    @Test
    void attributeThatCannotBeSerializedIsNamed()
    {
        SessionData data = session();
        data.setAttribute("socket", new Object());
        IOException x = assertThrows(IOException.class, () -> envelope("protostuff", 16384, 1_000_000, null).encode(data));
        assertTrue(x.getMessage().contains("'socket'"), x.getMessage());
    }

    @Test
    void javaCodecResolvesServerClassesInTheServerLoader() throws Exception
    {
        JavaAttributeCodec codec = new JavaAttributeCodec();
        CompatibilityTypes.Money money = new CompatibilityTypes.Money(java.math.BigDecimal.TEN, "EUR");
        assertEquals(0, codec.encode(money)[0], "visible from the context loader");
        // a webapp loader that cannot see the server's classes, as Jetty hides its own from webapps
        ClassLoader isolated = new java.net.URLClassLoader(new java.net.URL[0], ClassLoader.getPlatformClassLoader());
        byte[] bytes = WebappClasses.in(isolated, () -> codec.encode(money));
        assertEquals(1, bytes[0], "recorded as a server class");
        assertEquals(money, WebappClasses.in(isolated, () -> codec.decode(bytes)));
    }

    static void fixCrc(byte[] bytes)
    {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(bytes, 0, bytes.length - 4);
        int value = (int)crc.getValue();
        bytes[bytes.length - 4] = (byte)(value >>> 24);
        bytes[bytes.length - 3] = (byte)(value >>> 16);
        bytes[bytes.length - 2] = (byte)(value >>> 8);
        bytes[bytes.length - 1] = (byte)value;
    }
}
