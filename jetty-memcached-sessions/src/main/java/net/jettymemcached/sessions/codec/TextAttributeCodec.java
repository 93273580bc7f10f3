package net.jettymemcached.sessions.codec;

import java.nio.charset.StandardCharsets;

/**
 * A {@code String} attribute as plain UTF-8: the commonest attribute (ids, tokens, names, flags) needs no object
 * stream at all. The protostuff serializer uses it for every string that UTF-8 can carry (no unpaired surrogates).
 */
public final class TextAttributeCodec implements AttributeCodec
{
    public static final int ID = 3;

    @Override
    public int id()
    {
        return ID;
    }

    @Override
    public String name()
    {
        return "text";
    }

    @Override
    public boolean canEncode(Object value)
    {
        return value instanceof String text && !hasUnpairedSurrogate(text);
    }

    /** @return whether the text has a surrogate that is not part of a pair, which UTF-8 cannot represent */
    public static boolean hasUnpairedSurrogate(CharSequence value)
    {
        for (int i = 0, n = value.length(); i < n; i++)
        {
            char c = value.charAt(i);
            if (Character.isSurrogate(c))
            {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1)))
                    i++;
                else
                    return true;
            }
        }
        return false;
    }

    @Override
    public byte[] encode(Object value)
    {
        return ((String)value).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Object decode(byte[] bytes)
    {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public Object decode(byte[] bytes, int offset, int length)
    {
        return new String(bytes, offset, length, StandardCharsets.UTF_8);
    }
}
