package net.jettymemcached.sessions.codec.protostuff;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

import io.protostuff.GraphIOUtil;
import io.protostuff.LinkedBuffer;
import io.protostuff.runtime.DefaultIdStrategy;
import io.protostuff.runtime.RuntimeSchema;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The protostuff codec writes each repeated string (class names above all) once, and reads forged references safely. */
class StringTableTest
{
    static final class AnOrderSummaryWithARatherLongClassName implements Serializable
    {
        long id;
        String status = "shipped-to-customer";

        AnOrderSummaryWithARatherLongClassName(long id)
        {
            this.id = id;
        }
    }

    @Test
    void repeatedClassNamesAndStringsAreWrittenOnce() throws Exception
    {
        ProtostuffAttributeCodec codec = new ProtostuffAttributeCodec();
        List<Object> one = new ArrayList<>(List.of(new AnOrderSummaryWithARatherLongClassName(1)));
        List<Object> hundred = new ArrayList<>();
        for (int i = 0; i < 100; i++)
            hundred.add(new AnOrderSummaryWithARatherLongClassName(i));
        int single = codec.encode(one).length;
        int many = codec.encode(hundred).length;
        int className = AnOrderSummaryWithARatherLongClassName.class.getName().length();
        assertTrue(single > className, "the first occurrence is written in full");
        assertTrue(many < single + 99 * 16, () -> "each further element costs a few bytes, not its class name and status: " + many);
        @SuppressWarnings("unchecked")
        List<AnOrderSummaryWithARatherLongClassName> copy = (List<AnOrderSummaryWithARatherLongClassName>)codec.decode(codec.encode(hundred));
        assertEquals(100, copy.size());
        assertEquals(99, copy.get(99).id);
        assertEquals("shipped-to-customer", copy.get(42).status);
    }

    @Test
    void forgedReferencesAreUnreadableNotFatal()
    {
        ProtostuffAttributeCodec codec = new ProtostuffAttributeCodec();
        for (String forged : List.of("\u0000zzzzzz", "\u00000", "\u00001", "\u0000-5", "\u0000!12", "\u0000!zzzz", "\u0000"))
        {
            byte[] bytes = plainProtostuff(new ArrayList<>(List.of("some padding text", forged)));
            try
            {
                Object value = codec.decode(bytes);
                assertTrue(value instanceof List, forged);
            }
            catch (IOException | ClassNotFoundException x)
            {
                // unreadable: what the envelope reports as such
            }
        }
        assertThrows(IOException.class, () -> codec.decode(plainProtostuff(new ArrayList<>(List.of("\u0000zzzzzz")))));
    }

    private static byte[] plainProtostuff(Object value)
    {
        assertTrue(ProtostuffEnvironment.usesSerializationConstructors());
        ProtostuffSchemas.Holder holder = new ProtostuffSchemas.Holder();
        holder.value = value;
        return GraphIOUtil.toByteArray(holder, RuntimeSchema.createFrom(ProtostuffSchemas.Holder.class, new DefaultIdStrategy()), LinkedBuffer.allocate(256));
    }
}
