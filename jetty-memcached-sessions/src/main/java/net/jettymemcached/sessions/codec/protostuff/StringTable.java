package net.jettymemcached.sessions.codec.protostuff;

import java.io.IOException;

import io.protostuff.ProtobufException;
import io.protostuff.StringSerializer;
import net.jettymemcached.sessions.codec.TextAttributeCodec;

/**
 * Repeated strings in a protostuff value, written once. protostuff writes the full class name of every object whose
 * class it cannot infer (each element of a {@code List} attribute, every value of a {@code Map<String, Object>}),
 * where Java serialization writes a class descriptor once; without this a list of a thousand orders would carry a
 * thousand copies of {@code com.example.shop.OrderSummary}.
 * <p>
 * The second and later occurrences of a string are written as a reference: U+0000 followed by the position (base 36)
 * of the first occurrence's field in the value. A reference names a byte position, not a count of strings, so fields
 * that the reader skips cannot shift it. A string that itself starts with U+0000 is written with one more U+0000.
 * <p>
 * protostuff's UTF-8 cannot carry an unpaired surrogate (Java serialization can), so a string holding one is written
 * as U+0000, {@code !} and its UTF-16 code units in hex.
 */
final class StringTable
{
    /** Shorter strings cost less than a reference. */
    static final int MIN_LENGTH = 8;
    /** Longer strings are rarely repeated and costly to hash. */
    static final int MAX_LENGTH = 256;
    static final int MAX_ENTRIES = 4096;
    /** The longest field a reference can name: a candidate of {@link #MAX_LENGTH} characters, escaped as hex. */
    private static final int MAX_TARGET_BYTES = 2 + 4 * MAX_LENGTH;
    private static final char MARK = '\u0000';
    private static final char HEX = '!';

    private StringTable()
    {
    }

    static boolean isCandidate(String value)
    {
        return value.length() >= MIN_LENGTH && value.length() <= MAX_LENGTH;
    }

    static boolean isReference(String value)
    {
        return value.length() > 1 && value.charAt(0) == MARK && value.charAt(1) != MARK && value.charAt(1) != HEX;
    }

    static String reference(int position)
    {
        return MARK + Integer.toString(position, 36);
    }

    static CharSequence escape(CharSequence value)
    {
        if (TextAttributeCodec.hasUnpairedSurrogate(value))
        {
            StringBuilder hex = new StringBuilder(2 + value.length() * 4).append(MARK).append(HEX);
            for (int i = 0; i < value.length(); i++)
                hex.append(String.format("%04x", (int)value.charAt(i)));
            return hex.toString();
        }
        return value.length() > 0 && value.charAt(0) == MARK ? MARK + value.toString() : value;
    }

    private static String unescape(String value) throws IOException
    {
        if (value.isEmpty() || value.charAt(0) != MARK)
            return value;
        if (value.length() > 1 && value.charAt(1) == MARK)
            return value.substring(1);
        if (value.length() > 1 && value.charAt(1) == HEX && (value.length() - 2) % 4 == 0)
        {
            char[] chars = new char[(value.length() - 2) / 4];
            try
            {
                for (int i = 0; i < chars.length; i++)
                    chars[i] = (char)Integer.parseInt(value, 2 + i * 4, 6 + i * 4, 16);
            }
            catch (NumberFormatException x)
            {
                throw new ProtobufException("malformed escaped string");
            }
            return new String(chars);
        }
        throw new ProtobufException("malformed escaped string");
    }

    /**
     * @param value a string as read
     * @param data  holds the whole value at {@code [offset, offset + length)}; references point to its string fields
     * @return the string it stands for; a reference must name a string the encoder would have referenced
     */
    static String resolve(String value, byte[] data, int offset, int length) throws IOException
    {
        if (!isReference(value))
            return unescape(value);
        String target = stringFieldAt(data, offset, length, position(value));
        if (isReference(target))
            throw new ProtobufException("string reference to a reference");
        String resolved = unescape(target);
        if (!isCandidate(resolved))
            throw new ProtobufException("string reference to a string of " + resolved.length() + " characters, which the encoder never references");
        return resolved;
    }

    /** @return the position a reference names */
    static int position(String reference) throws IOException
    {
        int position;
        try
        {
            position = Integer.parseInt(reference, 1, reference.length(), 36);
        }
        catch (NumberFormatException x)
        {
            throw new ProtobufException("malformed string reference");
        }
        if (position < 0)
            throw new ProtobufException("malformed string reference");
        return position;
    }

    /** Reads the length-delimited string field (tag, length, UTF-8) that starts at {@code position}. */
    private static String stringFieldAt(byte[] data, int offset, int length, int position) throws IOException
    {
        int limit = offset + length;
        int[] cursor = {offset + position};
        readVarint(data, cursor, limit); // the field's tag
        int size = readVarint(data, cursor, limit);
        if (size < 0 || cursor[0] + (long)size > limit)
            throw new ProtobufException("string reference out of bounds");
        if (size > MAX_TARGET_BYTES)
            throw new ProtobufException("string reference to a string of " + size + " bytes, which the encoder never references");
        return StringSerializer.STRING.deser(data, cursor[0], size);
    }

    private static int readVarint(byte[] data, int[] cursor, int limit) throws IOException
    {
        int result = 0;
        for (int shift = 0; shift < 35; shift += 7)
        {
            if (cursor[0] < 0 || cursor[0] >= limit)
                throw new ProtobufException("string reference out of bounds");
            byte b = data[cursor[0]++];
            result |= (b & 0x7F) << shift;
            if (b >= 0)
                return result;
        }
        throw new ProtobufException("malformed varint in a string reference");
    }
}
