package net.jettymemcached.sessions.memcached;

/** The memcached protocol spoken to every node; SASL authentication needs {@link #BINARY}. */
public enum Protocol
{
    TEXT, BINARY
}
