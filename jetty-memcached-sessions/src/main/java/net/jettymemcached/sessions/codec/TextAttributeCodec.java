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
        return value instanceof String text && !StringTable.hasUnpairedSurrogate(text);
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
