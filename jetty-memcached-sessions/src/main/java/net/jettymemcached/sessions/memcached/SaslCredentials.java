package net.jettymemcached.sessions.memcached;

/**
 * Who logs in to every node, and how. {@link #toString()} is what log lines say about a login: the mechanism and
 * the user, never the password.
 */
public record SaslCredentials(SaslMechanism mechanism, String username, String password)
{
    @Override
    public String toString()
    {
        return "SASL " + mechanism + ", user " + username;
    }
}
