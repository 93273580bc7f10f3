package net.jettymemcached.sessions.memcached;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The SASL mechanisms a node can be logged in with. Exactly one is asked for, never a list: given a list, the JDK
 * picks its own favourite without asking the server (CRAM-MD5 over PLAIN), and asking the server for its list lets
 * the JDK pick one it cannot complete (DIGEST-MD5 from Debian's memcached, whose list starts with SCRAM, which the
 * JDK lacks). Of what Debian's memcached 1.6.18 offers with {@code -S}, these two work with the JDK's SASL client
 * and a password: PLAIN sends the password in the clear (memcached has no TLS here), CRAM-MD5 does not.
 */
public enum SaslMechanism
{
    PLAIN("PLAIN"), CRAM_MD5("CRAM-MD5");

    private final String wireName;

    SaslMechanism(String wireName)
    {
        this.wireName = wireName;
    }

    /** @return the mechanism's SASL name, e.g. {@code CRAM-MD5} */
    public String wireName()
    {
        return wireName;
    }

    /**
     * @param name a SASL name in any case, e.g. {@code plain}
     * @throws IllegalArgumentException naming the supported mechanisms
     */
    public static SaslMechanism parse(String name)
    {
        String wanted = name == null ? "" : name.trim().toUpperCase(Locale.ROOT);
        for (SaslMechanism mechanism : values())
        {
            if (mechanism.wireName.equals(wanted))
                return mechanism;
        }
        throw new IllegalArgumentException("must be " + Arrays.stream(values()).map(SaslMechanism::wireName).collect(Collectors.joining(" or ")));
    }

    @Override
    public String toString()
    {
        return wireName;
    }
}
