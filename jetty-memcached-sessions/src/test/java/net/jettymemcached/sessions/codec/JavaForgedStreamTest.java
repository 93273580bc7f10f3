package net.jettymemcached.sessions.codec;

import java.io.IOException;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Forged Java streams the JDK answers with an {@link Error} are unreadable values like any other, not Errors. */
class JavaForgedStreamTest
{
    /**
     * An immutable map's serial form with an odd element count: the JDK's {@code readResolve} throws
     * {@code InternalError("length is odd")} (found by {@code StoredValueFuzzTest}, seed -6975095860540996137).
     */
    @Test
    void anImmutableMapWithAnOddLengthIsUnreadable() throws Exception
    {
        JavaAttributeCodec codec = new JavaAttributeCodec();
        byte[] bytes = codec.encode(Map.of("a", 1, "b", 2));
        int at = indexOf(bytes, new byte[]{0x77, 0x04, 0, 0, 0, 0x04});
        assertTrue(at > 0, "the element count of the serial form");
        bytes[at + 5] = 0x03;
        String message = assertThrows(IOException.class, () -> codec.decode(bytes)).getMessage();
        assertTrue(message.contains("length is odd"), message);
        assertFalse(message.startsWith("java.lang.InternalError"), message);
    }

    private static int indexOf(byte[] bytes, byte[] pattern)
    {
        outer:
        for (int i = 0; i + pattern.length <= bytes.length; i++)
        {
            for (int j = 0; j < pattern.length; j++)
            {
                if (bytes[i + j] != pattern[j])
                    continue outer;
            }
            return i;
        }
        return -1;
    }
}
