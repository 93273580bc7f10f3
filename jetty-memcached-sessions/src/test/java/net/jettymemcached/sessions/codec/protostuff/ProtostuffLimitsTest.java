package net.jettymemcached.sessions.codec.protostuff;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import net.jettymemcached.sessions.format.AttributeCodecs;
import net.jettymemcached.sessions.format.SessionEnvelope;
import net.jettymemcached.sessions.format.UnreadableEnvelopeException;
import net.jettymemcached.sessions.security.DeserializationFilters;
import org.eclipse.jetty.session.SessionData;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The filter's caps (maxarray, maxdepth, maxrefs) and the string table's bound protostuff values as they bound Java
 * serialization: a value beyond them is unreadable before it is built, and never an Error.
 */
class ProtostuffLimitsTest
{
    private static SessionEnvelope envelope(String filter)
    {
        return new SessionEnvelope(AttributeCodecs.of("protostuff", DeserializationFilters.parse(filter)), 16384, 1_000_000, null);
    }

    /** @return why the value is unreadable with the given filter ("" for the default) */
    private static String unreadable(byte[] protostuff, String filter) throws Exception
    {
        byte[] stored = stored(protostuff);
        return assertThrows(UnreadableEnvelopeException.class, () -> envelope(filter).decode(stored, target())).getMessage();
    }

    private static Object read(byte[] protostuff, String filter) throws Exception
    {
        return envelope(filter).decode(stored(protostuff), target()).getAttribute("value");
    }

    private static byte[] stored(byte[] protostuff) throws Exception
    {
        SessionData data = new SessionData("abc-n1", "_app", "0.0.0.0", 1, 2, 3, 60_000);
        data.setAttribute("value", "placeholder");
        return new SessionEnvelope(new ForgedValues.RawCodec(protostuff)).encode(data);
    }

    private static SessionData target()
    {
        return new SessionData("abc-n1", "_app", "0.0.0.0", 0, 0, 0, 0);
    }

    private static byte[] written(Object value) throws Exception
    {
        return new ProtostuffAttributeCodec().encode(value);
    }

    @Test
    void theArrayBombIsRefusedBeforeItIsAllocated() throws Exception
    {
        String message = unreadable(ForgedValues.hex(ForgedValues.ARRAY_BOMB), "");
        assertTrue(message.contains("maxarray"), message);
    }

    @Test
    void lengthsBeyondTheValueAreRefused() throws Exception
    {
        // a byte[] of 2^31-1 bytes in an 8-byte value
        String message = unreadable(ForgedValues.hex("0b5affffffff070c"), "");
        assertFalse(message.contains("Error"), message);
    }

    @Test
    void objectArraysAndTheirDimensionsAreCapped() throws Exception
    {
        byte[] huge = new ForgedValues.Bytes().raw("0b").tag(15, 2).string("java.lang.Object").tag(3, 0).varint(Integer.MAX_VALUE)
            .tag(2, 0).varint(1).raw("0c").toArray();
        byte[] dimensions = new ForgedValues.Bytes().raw("0b").tag(15, 2).string("java.lang.Object").tag(3, 0).varint(1)
            .tag(2, 0).varint(Integer.MAX_VALUE).raw("0c").toArray();
        String message = unreadable(huge, "");
        assertTrue(message.contains("maxarray"), message);
        message = unreadable(dimensions, "");
        assertFalse(message.contains("Error"), message);
    }

    @Test
    void aRunOfNullsIsCappedLikeAnArray() throws Exception
    {
        byte[] nulls = new ForgedValues.Bytes().raw("0b").tag(ForgedValues.COLLECTION, 2).string("List").tag(2, 0).varint(Integer.MAX_VALUE)
            .raw("0c").toArray();
        String message = unreadable(nulls, "");
        assertTrue(message.contains("maxarray"), message);
    }

    @Test
    void maxarrayApplies() throws Exception
    {
        assertEquals(1000, ((int[])read(written(new int[1000]), "maxarray=1000")).length);
        assertTrue(unreadable(written(new int[1001]), "maxarray=1000").contains("maxarray"));
        assertTrue(unreadable(written(new Integer[1001]), "maxarray=1000").contains("maxarray"));
        assertTrue(unreadable(written(new ArrayList<>(Arrays.asList(new Object[1001]))), "maxarray=1000").contains("maxarray"));
    }

    @Test
    void maxdepthApplies() throws Exception
    {
        assertTrue(read(ForgedValues.nestedLists(500), "") instanceof List);
        assertTrue(unreadable(ForgedValues.nestedLists(501), "").contains("maxdepth"));
        assertTrue(read(written(nested(20)), "maxdepth=20") instanceof List);
        assertTrue(unreadable(written(nested(21)), "maxdepth=20").contains("maxdepth"));
    }

    @Test
    void nestingDeepEnoughToOverflowTheStackIsRefusedFirst() throws Exception
    {
        String message = unreadable(ForgedValues.nestedLists(20_000), "");
        assertTrue(message.contains("maxdepth") && !message.contains("Error"), message);
    }

    @Test
    void maxrefsApplies() throws Exception
    {
        // the list and its elements
        assertEquals(99, ((List<?>)read(written(strings(99)), "maxrefs=100")).size());
        assertTrue(unreadable(written(strings(100)), "maxrefs=100").contains("maxrefs"));
    }

    @Test
    void aStringReferenceNamesAStringTheEncoderWouldReference() throws Exception
    {
        String longString = "x".repeat(100_000);
        byte[] alone = ForgedValues.holding(new ArrayList<>(List.of(longString)));
        int position = indexOf(alone, longString.getBytes(StandardCharsets.UTF_8)) - 4; // its tag and length
        List<Object> forged = new ArrayList<>(List.of(longString));
        for (int i = 0; i < 100; i++)
            forged.add("\u0000" + "0".repeat(i) + Integer.toString(position, 36));
        String message = unreadable(ForgedValues.holding(forged), "");
        assertTrue(message.contains("string"), message);
    }

    @Test
    void theStringTableHoldsAtMostAsManyStringsAsTheEncoderWrites() throws Exception
    {
        List<Object> strings = new ArrayList<>();
        for (int i = 0; i < StringTable.MAX_ENTRIES + 1; i++)
            strings.add(String.format("distinct string %05d", i));
        byte[] alone = ForgedValues.holding(new ArrayList<>(strings));
        List<Object> forged = new ArrayList<>(strings);
        for (Object string : strings)
            forged.add("\u0000" + Integer.toString(indexOf(alone, ((String)string).getBytes(StandardCharsets.UTF_8)) - 2, 36));
        String message = unreadable(ForgedValues.holding(forged), "");
        assertTrue(message.contains("string"), message);
    }

    private static List<Object> nested(int depth)
    {
        List<Object> outer = new ArrayList<>();
        List<Object> current = outer;
        for (int i = 1; i < depth; i++)
        {
            List<Object> next = new ArrayList<>();
            current.add(next);
            current = next;
        }
        return outer;
    }

    private static List<Object> strings(int count)
    {
        List<Object> strings = new ArrayList<>();
        for (int i = 0; i < count; i++)
            strings.add("s" + i);
        return strings;
    }

    private static int indexOf(byte[] bytes, byte[] part)
    {
        for (int i = 0; i + part.length <= bytes.length; i++)
        {
            if (Arrays.equals(bytes, i, i + part.length, part, 0, part.length))
                return i;
        }
        throw new AssertionError("not found");
    }
}
