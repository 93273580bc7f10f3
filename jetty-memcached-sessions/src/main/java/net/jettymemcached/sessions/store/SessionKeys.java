package net.jettymemcached.sessions.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The memcached keys of one context's sessions:
 * <pre>
 *   primary   [keyPrefix]&lt;context&gt;_&lt;vhost&gt;_&lt;sessionId&gt;
 *   backup    bak:[keyPrefix]&lt;context&gt;_&lt;vhost&gt;_&lt;sessionId&gt;
 *   lock      lock:[keyPrefix]&lt;context&gt;_&lt;vhost&gt;_&lt;sessionId&gt;
 * </pre>
 * {@code context} is Jetty's canonical context path ({@code /shop} → {@code _shop}, {@code /} → {@code _}) and
 * {@code vhost} the context's first virtual host ({@code 0.0.0.0} when none). Characters outside
 * {@code [A-Za-z0-9._~-]} are percent-encoded, and so is {@code _} in the vhost, so keys are ASCII without spaces or control characters. When the
 * longest key would pass memcached's 250 bytes, {@code <context>_<vhost>} is replaced by {@code #} and 32 hex digits
 * of its SHA-256.
 */
public final class SessionKeys
{
    public static final int MAX_KEY_LENGTH = 250;
    public static final String BACKUP_PREFIX = "bak:";
    public static final String LOCK_PREFIX = "lock:";
    /** Longest session id accepted by {@link net.jettymemcached.sessions.id.SessionIdFormat}. */
    static final int MAX_ID_LENGTH = 133;

    private final String scope;

    public SessionKeys(String keyPrefix, String canonicalContextPath, String vhost)
    {
        // The vhost is escaped with '_' too, so the last two '_' always delimit it: no two contexts share a scope.
        String readable = escape(canonicalContextPath, "") + "_" + escape(vhost, "_") + "_";
        int longest = LOCK_PREFIX.length() + keyPrefix.length() + readable.length() + MAX_ID_LENGTH;
        this.scope = keyPrefix + (longest <= MAX_KEY_LENGTH ? readable : "#" + sha256Hex(readable).substring(0, 32) + "_");
    }

    public String primary(String sessionId)
    {
        return scope + sessionId;
    }

    public String backup(String sessionId)
    {
        return BACKUP_PREFIX + scope + sessionId;
    }

    public String lock(String sessionId)
    {
        return LOCK_PREFIX + scope + sessionId;
    }

    /** @return the key part before the session id (prefix, context and vhost) */
    public String scope()
    {
        return scope;
    }

    static String escape(String value, String alsoEscaped)
    {
        if (value == null)
            return "";
        StringBuilder out = new StringBuilder(value.length());
        for (byte b : value.getBytes(StandardCharsets.UTF_8))
        {
            char c = (char)(b & 0xFF);
            boolean safe = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '~' || c == '-';
            if (safe && alsoEscaped.indexOf(c) < 0)
                out.append(c);
            else
                out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16))).append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
        }
        return out.toString();
    }

    private static String sha256Hex(String value)
    {
        try
        {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        }
        catch (NoSuchAlgorithmException x)
        {
            throw new IllegalStateException(x);
        }
    }
}
