package net.jettymemcached.sessions.format;

import java.util.Arrays;

/**
 * One attribute as the envelope stores it: its name, the codec that wrote it and its bytes, a slice of a larger
 * array when it was read from a stored value (no copy is made). Kept with a session so that a write re-encodes only
 * what changed, and so that an attribute's bytes can be compared with what is stored.
 */
public record EncodedAttribute(String name, int codecId, byte[] buffer, int offset, int length)
{
    public EncodedAttribute
    {
        if (offset < 0 || length < 0 || offset + length > buffer.length)
            throw new IllegalArgumentException("slice [" + offset + ", " + (offset + length) + ") outside " + buffer.length + " bytes");
    }

    public EncodedAttribute(String name, int codecId, byte[] bytes)
    {
        this(name, codecId, bytes, 0, bytes.length);
    }

    /** @return true if {@code other} was written by the same codec with the same bytes */
    public boolean sameEncoding(EncodedAttribute other)
    {
        return other != null && codecId == other.codecId &&
            Arrays.equals(buffer, offset, offset + length, other.buffer, other.offset, other.offset + other.length);
    }

    /** @return a copy of the bytes */
    public byte[] bytes()
    {
        return Arrays.copyOfRange(buffer, offset, offset + length);
    }

    @Override
    public String toString()
    {
        return name + "(codec " + codecId + ", " + length + " bytes)";
    }
}
