package net.jettymemcached.sessions.codec;

import java.io.IOException;

/**
 * Turns one attribute value into bytes and back; the SPI behind {@code jetty.session.memcached.serializer}.
 * <p>
 * Every stored attribute records the {@link #id()} of the codec that wrote it, so a value is always read by the codec
 * that wrote it, whatever the serializer is configured today. Both methods run on the request thread with the
 * webapp's class loader as thread context class loader, so webapp classes resolve.
 * <p>
 * A custom codec is named by its class name; it needs a public constructor taking a
 * {@link java.io.ObjectInputFilter} (the configured deserialization filter) or a public no-argument constructor, and
 * an id from 128 to 255 (lower ids belong to the built-in codecs).
 */
public interface AttributeCodec
{
    /** @return the id stored with every attribute this codec writes: 1-127 built in, 128-255 custom; never reused */
    int id();

    /** @return a short name for logs and error messages */
    String name();

    /**
     * @return false when this codec cannot give back a faithful copy of the value; the attribute is then written
     * with Java serialization instead
     */
    default boolean canEncode(Object value)
    {
        return true;
    }

    byte[] encode(Object value) throws IOException;

    /**
     * @throws ClassNotFoundException when a class of the value cannot be found
     * @throws IOException for anything else that cannot be read, including a class refused by the filter
     */
    Object decode(byte[] bytes) throws IOException, ClassNotFoundException;

    /** As {@link #decode(byte[])} for {@code bytes[offset, offset + length)}; codecs override it to save a copy. */
    default Object decode(byte[] bytes, int offset, int length) throws IOException, ClassNotFoundException
    {
        return decode(java.util.Arrays.copyOfRange(bytes, offset, offset + length));
    }
}
