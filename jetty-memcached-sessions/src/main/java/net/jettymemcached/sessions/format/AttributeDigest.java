package net.jettymemcached.sessions.format;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A digest of serialized attribute bytes. Comparing it with the digest of the last stored bytes tells whether a
 * session's attributes changed, including objects mutated in place that Jetty does not mark dirty. 128 bits of
 * SHA-256: a change that goes unnoticed would lose data, so a short checksum will not do.
 */
public final class AttributeDigest
{
    private AttributeDigest()
    {
    }

    public static byte[] of(byte[] attributeBytes)
    {
        try
        {
            return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(attributeBytes), 16);
        }
        catch (NoSuchAlgorithmException x)
        {
            throw new IllegalStateException(x);
        }
    }
}
