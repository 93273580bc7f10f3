package net.jettymemcached.sessions.codec;

import java.io.IOException;
import java.util.Map;

/**
 * Turns a session's attribute map into bytes and back. Always called on the request thread with the webapp's class
 * loader as thread context class loader, so webapp classes resolve.
 */
public interface AttributeCodec
{
    byte[] encode(Map<String, Object> attributes) throws IOException;

    Map<String, Object> decode(byte[] bytes) throws IOException, ClassNotFoundException;
}
