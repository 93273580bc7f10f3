package net.jettymemcached.sessions.codec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.util.Map;

import org.eclipse.jetty.session.SessionData;
import org.eclipse.jetty.util.ClassLoadingObjectInputStream;

/**
 * Java serialization of the attributes with Jetty's own per-attribute format
 * ({@link SessionData#serializeAttributes}), which records whether a value's class comes from the server or the
 * webapp so that each is resolved in the right loader.
 */
public class JavaAttributeCodec implements AttributeCodec
{
    @Override
    public byte[] encode(Map<String, Object> attributes) throws IOException
    {
        SessionData holder = holder();
        holder.putAllAttributes(attributes);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes))
        {
            SessionData.serializeAttributes(holder, out);
        }
        return bytes.toByteArray();
    }

    @Override
    public Map<String, Object> decode(byte[] bytes) throws IOException, ClassNotFoundException
    {
        SessionData holder = holder();
        try (ClassLoadingObjectInputStream in = new ClassLoadingObjectInputStream(new ByteArrayInputStream(bytes)))
        {
            SessionData.deserializeAttributes(holder, in);
        }
        return holder.getAllAttributes();
    }

    private static SessionData holder()
    {
        return new SessionData("", "", "", 0, 0, 0, 0);
    }
}
