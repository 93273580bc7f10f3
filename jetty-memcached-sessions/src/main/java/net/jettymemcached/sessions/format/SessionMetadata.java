package net.jettymemcached.sessions.format;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import org.eclipse.jetty.session.SessionData;

/**
 * Every {@link SessionData} field except the attributes (including {@code lastSaved}, which Jetty's own
 * serialization drops).
 * <pre>
 * id | contextPath | vhost | lastNode                                                 (modified UTF-8)
 * created | accessed | lastAccessed | cookieSet | expiry | maxInactiveMs | lastSaved   (i64 each)
 * </pre>
 */
final class SessionMetadata
{
    private SessionMetadata()
    {
    }

    static void write(DataOutput out, SessionData data) throws IOException
    {
        out.writeUTF(data.getId());
        out.writeUTF(nonNull(data.getContextPath()));
        out.writeUTF(nonNull(data.getVhost()));
        out.writeUTF(nonNull(data.getLastNode()));
        out.writeLong(data.getCreated());
        out.writeLong(data.getAccessed());
        out.writeLong(data.getLastAccessed());
        out.writeLong(data.getCookieSet());
        out.writeLong(data.getExpiry());
        out.writeLong(data.getMaxInactiveMs());
        out.writeLong(data.getLastSaved());
    }

    /**
     * @param target receives the fields; its id, context and virtual host (when it has one) must be those the value
     *               was stored for, so a value copied under another session's, context's or vhost's key is not
     *               accepted (the signature covers them)
     */
    static void read(DataInput in, SessionData target) throws IOException
    {
        String id = in.readUTF();
        String contextPath = in.readUTF();
        String vhost = in.readUTF();
        if (!id.equals(target.getId()) || !contextPath.equals(target.getContextPath()))
            throw new UnreadableEnvelopeException("value belongs to session " + id + " of context " + contextPath);
        if (target.getVhost() != null && !vhost.equals(target.getVhost()))
            throw new UnreadableEnvelopeException("value belongs to virtual host " + vhost + ", not " + target.getVhost());
        target.setVhost(vhost);
        target.setLastNode(in.readUTF());
        target.setCreated(in.readLong());
        target.setAccessed(in.readLong());
        target.setLastAccessed(in.readLong());
        target.setCookieSet(in.readLong());
        target.setExpiry(in.readLong());
        target.setMaxInactiveMs(in.readLong());
        target.setLastSaved(in.readLong());
    }

    private static String nonNull(String value)
    {
        return value == null ? "" : value;
    }
}
