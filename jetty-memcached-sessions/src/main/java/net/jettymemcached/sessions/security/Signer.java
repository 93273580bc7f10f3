package net.jettymemcached.sessions.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 of stored values ({@code jetty.session.memcached.signingKey}): whoever can write to memcached but does
 * not know a key cannot plant a session. Several comma-separated keys may be configured: the first signs, any of
 * them verifies, so a key is rotated by putting the new key first and dropping the old one after the session timeout.
 */
public final class Signer
{
    public static final int LENGTH = 32;
    private static final String ALGORITHM = "HmacSHA256";
    static final int MIN_KEY_LENGTH = 16;

    private final List<SecretKeySpec> keys;
    private final ThreadLocal<Mac[]> macs;

    private Signer(List<SecretKeySpec> keys)
    {
        this.keys = keys;
        this.macs = ThreadLocal.withInitial(this::newMacs);
    }

    /**
     * @param keys comma-separated keys, the signing key first; blank means no signing
     * @return the signer, or null when signing is off
     * @throws IllegalArgumentException for an empty or too short key (the message never contains a key)
     */
    public static Signer parse(String keys)
    {
        if (keys == null || keys.isBlank())
            return null;
        List<SecretKeySpec> specs = new ArrayList<>();
        String[] parts = keys.split(",", -1);
        for (int i = 0; i < parts.length; i++)
        {
            String key = parts[i].trim();
            if (key.length() < MIN_KEY_LENGTH)
                throw new IllegalArgumentException("key " + (i + 1) + " of " + parts.length + " is " + (key.isEmpty() ? "empty" : "shorter than " + MIN_KEY_LENGTH + " characters"));
            specs.add(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), ALGORITHM));
        }
        return new Signer(List.copyOf(specs));
    }

    private Mac[] newMacs()
    {
        try
        {
            Mac[] result = new Mac[keys.size()];
            for (int i = 0; i < result.length; i++)
            {
                result[i] = Mac.getInstance(ALGORITHM);
                result[i].init(keys.get(i));
            }
            return result;
        }
        catch (GeneralSecurityException x)
        {
            throw new IllegalStateException("HmacSHA256 is not available", x);
        }
    }

    /** Writes the signature of {@code bytes[0..length)} at {@code bytes[length..length + LENGTH)}. */
    public void sign(byte[] bytes, int length)
    {
        Mac mac = macs.get()[0];
        mac.update(bytes, 0, length);
        try
        {
            mac.doFinal(bytes, length);
        }
        catch (GeneralSecurityException x)
        {
            throw new IllegalStateException(x);
        }
    }

    /**
     * Writes the first {@code tagLength} bytes of the HMAC of {@code binding} followed by {@code bytes[0..length)} at
     * {@code bytes[length..length + tagLength)}: a short authenticator for small records, bound to what they belong to.
     */
    public void tag(byte[] binding, byte[] bytes, int offset, int length, int tagLength)
    {
        Mac mac = macs.get()[0];
        mac.update(binding);
        mac.update(bytes, offset, length);
        System.arraycopy(mac.doFinal(), 0, bytes, offset + length, tagLength);
    }

    /** @return whether the {@code tagLength} bytes after {@code bytes[offset..offset + length)} are its {@link #tag} under any key */
    public boolean verifyTag(byte[] binding, byte[] bytes, int offset, int length, int tagLength)
    {
        byte[] expected = new byte[tagLength];
        System.arraycopy(bytes, offset + length, expected, 0, tagLength);
        for (Mac mac : macs.get())
        {
            mac.update(binding);
            mac.update(bytes, offset, length);
            if (MessageDigest.isEqual(Arrays.copyOf(mac.doFinal(), tagLength), expected))
                return true;
        }
        return false;
    }

    /** @return whether {@code bytes[length..length + LENGTH)} is the signature of {@code bytes[0..length)} under any key */
    public boolean verify(byte[] bytes, int length)
    {
        byte[] expected = new byte[LENGTH];
        System.arraycopy(bytes, length, expected, 0, LENGTH);
        for (Mac mac : macs.get())
        {
            mac.update(bytes, 0, length);
            if (MessageDigest.isEqual(mac.doFinal(), expected))
                return true;
        }
        return false;
    }

    @Override
    public String toString()
    {
        return "HMAC-SHA256 with " + keys.size() + " key(s)";
    }
}
