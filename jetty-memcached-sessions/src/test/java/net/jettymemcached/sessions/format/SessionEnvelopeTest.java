package net.jettymemcached.sessions.format;

import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

import net.jettymemcached.sessions.codec.AttributeCodec;
import net.jettymemcached.sessions.codec.protostuff.ProtostuffAttributeCodec;
import org.eclipse.jetty.session.SessionData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Spec 3.2: the versioned envelope carries every SessionData field, and anything unreadable is reported as such (default codec). */
class SessionEnvelopeTest
{
    private static final String ID = "node0abc123def456ghi789jkl-n1";
    private static final String CONTEXT = "_shop";

    private final SessionEnvelope envelope = new SessionEnvelope(new ProtostuffAttributeCodec());

    private static SessionData sample()
    {
        SessionData data = new SessionData(ID, CONTEXT, "shop.example.com", 1_700_000_000_001L, 1_700_000_100_002L, 1_700_000_050_003L, 1_800_000L);
        data.setCookieSet(1_700_000_000_004L);
        data.setExpiry(1_700_001_900_005L);
        data.setLastSaved(1_700_000_100_006L);
        data.setLastNode("worker7");
        data.setAttribute("string", "h\u00e9llo w\u00f6rld \u65e5\u672c");
        data.setAttribute("integer", 42);
        data.setAttribute("long", Long.MIN_VALUE);
        data.setAttribute("list", new ArrayList<>(List.of("a", "b", 3)));
        Map<String, Object> map = new HashMap<>();
        map.put("k1", "v1");
        map.put("k2", 2);
        map.put("nested", new ArrayList<>(List.of(1, 2, 3)));
        data.setAttribute("map", map);
        data.setAttribute("bytes", new byte[]{1, 2, 3});
        return data;
    }

    /** A target that accepts any virtual host (the store's targets always name theirs). */
    private static SessionData target(String id, String context)
    {
        return new SessionData(id, context, null, 0, 0, 0, 0);
    }

    private SessionData decode(byte[] bytes) throws Exception
    {
        return envelope.decode(bytes, target(ID, CONTEXT));
    }

    private void assertUnreadable(byte[] bytes, String what)
    {
        assertThrows(UnreadableEnvelopeException.class, () -> decode(bytes), what);
    }

    private static void fixCrc(byte[] bytes)
    {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 4);
        int value = (int)crc.getValue();
        bytes[bytes.length - 4] = (byte)(value >>> 24);
        bytes[bytes.length - 3] = (byte)(value >>> 16);
        bytes[bytes.length - 2] = (byte)(value >>> 8);
        bytes[bytes.length - 1] = (byte)value;
    }

    @Test
    void aValueOfAnotherVirtualHostIsUnreadable() throws Exception
    {
        byte[] bytes = envelope.encode(sample());
        UnreadableEnvelopeException x = assertThrows(UnreadableEnvelopeException.class,
            () -> envelope.decode(bytes, new SessionData(ID, CONTEXT, "other.example.com", 0, 0, 0, 0)));
        assertTrue(x.getMessage().contains("virtual host"), x.getMessage());
        assertEquals("shop.example.com", envelope.decode(bytes, new SessionData(ID, CONTEXT, "shop.example.com", 0, 0, 0, 0)).getVhost());
    }

    @Test
    void roundTripsEveryField() throws Exception
    {
        SessionData original = sample();
        byte[] bytes = envelope.encode(original);
        SessionData decoded = decode(bytes);

        assertEquals(ID, decoded.getId());
        assertEquals(CONTEXT, decoded.getContextPath());
        assertEquals("shop.example.com", decoded.getVhost());
        assertEquals("worker7", decoded.getLastNode());
        assertEquals(1_700_000_000_001L, decoded.getCreated());
        assertEquals(1_700_000_100_002L, decoded.getAccessed());
        assertEquals(1_700_000_050_003L, decoded.getLastAccessed());
        assertEquals(1_700_000_000_004L, decoded.getCookieSet());
        assertEquals(1_700_001_900_005L, decoded.getExpiry());
        assertEquals(1_800_000L, decoded.getMaxInactiveMs());
        assertEquals(1_700_000_100_006L, decoded.getLastSaved());

        assertEquals(original.getKeys(), decoded.getKeys());
        assertEquals("h\u00e9llo w\u00f6rld \u65e5\u672c", decoded.getAttribute("string"));
        assertEquals(42, decoded.getAttribute("integer"));
        assertEquals(Long.MIN_VALUE, decoded.getAttribute("long"));
        assertEquals(List.of("a", "b", 3), decoded.getAttribute("list"));
        assertEquals(original.getAttribute("map"), decoded.getAttribute("map"));
        assertEquals(Map.of("k1", "v1", "k2", 2, "nested", List.of(1, 2, 3)), decoded.getAttribute("map"));
        assertTrue(Arrays.equals(new byte[]{1, 2, 3}, (byte[])decoded.getAttribute("bytes")));
        assertFalse(decoded.isDirty(), "a freshly loaded session is not dirty");
    }

    @Test
    void roundTripsEmptyAndImmortalSession() throws Exception
    {
        SessionData original = new SessionData(ID, CONTEXT, "0.0.0.0", 5, 6, 7, -1);
        original.setExpiry(0);
        SessionData decoded = decode(envelope.encode(original));
        assertEquals(-1, decoded.getMaxInactiveMs());
        assertEquals(0, decoded.getExpiry());
        assertEquals(0, decoded.getLastSaved());
        assertEquals("", decoded.getLastNode(), "a missing last node reads back as empty, as Jetty's own stores do");
        assertEquals("0.0.0.0", decoded.getVhost());
        assertEquals(5, decoded.getCreated());
        assertEquals(6, decoded.getAccessed());
        assertEquals(7, decoded.getLastAccessed());
        assertTrue(decoded.getKeys().isEmpty());
    }

    @Test
    void roundTripsLargeAttribute() throws Exception
    {
        SessionData original = sample();
        String big = "x".repeat(200_000);
        original.setAttribute("big", big);
        assertEquals(big, decode(envelope.encode(original)).getAttribute("big"));
    }

    @Test
    void encodingIsDeterministicForEqualData() throws Exception
    {
        SessionData a = new SessionData(ID, CONTEXT, "h", 1, 2, 3, 4);
        a.setAttribute("s", "v");
        SessionData b = new SessionData(ID, CONTEXT, "h", 1, 2, 3, 4);
        b.setAttribute("s", "v");
        // Jetty computes the expiry from the clock when constructing: the two could straddle a millisecond.
        a.setExpiry(5);
        b.setExpiry(5);
        assertTrue(Arrays.equals(envelope.encode(a), envelope.encode(b)));
    }

    @Test
    void headerStartsWithMagicAndVersion() throws Exception
    {
        byte[] bytes = envelope.encode(sample());
        assertEquals('J', bytes[0]);
        assertEquals('M', bytes[1]);
        assertEquals(SessionEnvelope.VERSION, bytes[2]);
    }

    @Test
    void rejectsEmptyAndShort()
    {
        assertUnreadable(new byte[0], "empty");
        for (int n = 1; n < 12; n++)
            assertUnreadable(new byte[n], n + " zero bytes");
        assertUnreadable(new byte[]{'J', 'M', 1, 0, 0}, "header only");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "hello world, this is not a session value",
        "JM not really a session either, but starts like one....",
        "{\"id\":\"node0abc123def456ghi789jkl-n1\"}",
    })
    void rejectsForeignBytes(String text)
    {
        assertUnreadable(text.getBytes(StandardCharsets.UTF_8), text);
    }

    @Test
    void rejectsJavaSerializedSessionData() throws Exception
    {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes))
        {
            out.writeObject(new HashMap<>(Map.of("id", ID)));
        }
        assertUnreadable(bytes.toByteArray(), "a Java-serialized map");
        byte[] ones = new byte[300];
        Arrays.fill(ones, (byte)0xFF);
        assertUnreadable(ones, "0xFF bytes");
    }

    @Test
    void rejectsAnyFlippedByte() throws Exception
    {
        byte[] good = envelope.encode(sample());
        for (int i = 0; i < good.length; i++)
        {
            for (int mask : new int[]{0x01, 0x80, 0xFF})
            {
                byte[] bad = good.clone();
                bad[i] ^= (byte)mask;
                int position = i;
                assertThrows(UnreadableEnvelopeException.class, () -> decode(bad),
                    () -> "flipped byte " + position + " of " + good.length + " with mask " + mask);
            }
        }
        // the original still decodes
        assertEquals(ID, decode(good).getId());
    }

    @Test
    void rejectsEveryTruncation() throws Exception
    {
        byte[] good = envelope.encode(sample());
        for (int length = 0; length < good.length; length++)
        {
            byte[] bad = Arrays.copyOf(good, length);
            int n = length;
            assertThrows(UnreadableEnvelopeException.class, () -> decode(bad), () -> "truncated to " + n + " of " + good.length);
        }
    }

    @Test
    void rejectsAppendedBytes() throws Exception
    {
        byte[] good = envelope.encode(sample());
        assertUnreadable(Arrays.copyOf(good, good.length + 1), "one zero byte appended");
        byte[] padded = Arrays.copyOf(good, good.length + 4);
        fixCrc(padded);
        assertUnreadable(padded, "bytes inserted before a valid checksum");
    }

    @Test
    void rejectsValueOfAnotherSession() throws Exception
    {
        byte[] bytes = envelope.encode(sample());
        assertThrows(UnreadableEnvelopeException.class, () -> envelope.decode(bytes, target("node0zzz999yyy888xxx777www-n1", CONTEXT)));
        assertThrows(UnreadableEnvelopeException.class, () -> envelope.decode(bytes, target("node0abc123def456ghi789jkl-n2", CONTEXT)));
    }

    @Test
    void rejectsValueOfAnotherContext() throws Exception
    {
        byte[] bytes = envelope.encode(sample());
        assertThrows(UnreadableEnvelopeException.class, () -> envelope.decode(bytes, target(ID, "_admin")));
        assertThrows(UnreadableEnvelopeException.class, () -> envelope.decode(bytes, target(ID, "_")));
    }

    @Test
    void rejectsUnknownVersionEvenWithValidChecksum() throws Exception
    {
        byte[] good = envelope.encode(sample());
        for (int version : new int[]{0, 1, 4, 127, 255})
        {
            byte[] bad = good.clone();
            bad[2] = (byte)version;
            fixCrc(bad);
            UnreadableEnvelopeException x = assertThrows(UnreadableEnvelopeException.class, () -> decode(bad), "version " + version);
            assertTrue(x.getMessage().contains("version"), x.getMessage());
        }
        // sanity: fixCrc alone does not make a good value unreadable
        byte[] same = good.clone();
        fixCrc(same);
        assertEquals(ID, decode(same).getId());
    }

    /** A codec that writes bytes nobody can read back. */
    private static final class GarbageCodec implements AttributeCodec
    {
        @Override
        public int id()
        {
            return 200;
        }

        @Override
        public String name()
        {
            return "garbage";
        }

        @Override
        public byte[] encode(Object value)
        {
            return "not an attribute".getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public Object decode(byte[] bytes) throws java.io.IOException
        {
            throw new java.io.StreamCorruptedException("garbage");
        }
    }

    @Test
    void rejectsUnreadableAttributesWithValidChecksum() throws Exception
    {
        SessionEnvelope garbage = new SessionEnvelope(new GarbageCodec());
        byte[] bytes = garbage.encode(sample());
        UnreadableEnvelopeException x = assertThrows(UnreadableEnvelopeException.class, () -> garbage.decode(bytes, target(ID, CONTEXT)));
        assertTrue(x.getMessage().contains("attribute '") && x.getMessage().contains("garbage"), x.getMessage());
    }

    @Test
    void rejectsAttributesOfACodecNotConfiguredHere() throws Exception
    {
        byte[] bytes = new SessionEnvelope(new GarbageCodec()).encode(sample());
        UnreadableEnvelopeException x = assertThrows(UnreadableEnvelopeException.class, () -> decode(bytes));
        assertTrue(x.getMessage().contains("codec 200"), x.getMessage());
    }

    @Test
    @SuppressWarnings("unchecked")
    void attributesAreStoredAsEncodedAndReadBackWithTheirBytes() throws Exception
    {
        SessionData a = new SessionData(ID, CONTEXT, "h", 1, 2, 3, 4);
        a.setAttribute("x", new ArrayList<>(List.of(1, 2)));
        a.setAttribute("y", "why");
        List<EncodedAttribute> encoded = List.of(envelope.encodeAttribute("x", a.getAttribute("x")), envelope.encodeAttribute("y", "why"));
        byte[] value = envelope.encode(a, 1, encoded);
        assertArrayEquals(envelope.encode(a, 1), value, "pre-encoded attributes give the value encoding them all gives");
        SessionEnvelope.Decoded decoded = envelope.decodeWithAttributes(value, target(ID, CONTEXT));
        assertEquals(2, decoded.attributes().size());
        for (int i = 0; i < 2; i++)
        {
            assertEquals(encoded.get(i).name(), decoded.attributes().get(i).name());
            assertTrue(encoded.get(i).sameEncoding(decoded.attributes().get(i)), "load and store agree on " + encoded.get(i));
        }
        ((List<Integer>)a.getAttribute("x")).add(3); // mutated in place
        assertFalse(encoded.get(0).sameEncoding(envelope.encodeAttribute("x", a.getAttribute("x"))));
    }

    @Test
    void differentDataGivesDifferentBytes() throws Exception
    {
        SessionData a = sample();
        SessionData b = sample();
        b.setLastSaved(a.getLastSaved() + 1);
        assertNotEquals(Arrays.toString(envelope.encode(a)), Arrays.toString(envelope.encode(b)));
    }
}
