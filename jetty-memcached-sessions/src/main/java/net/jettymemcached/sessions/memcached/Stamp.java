package net.jettymemcached.sessions.memcached;

/**
 * What memcached knows about an item without its value: its CAS unique and its client flags. With the text protocol
 * this is one meta get ({@code mg <key> c f}, about 30 bytes each way); with the binary protocol, which has no such
 * command, the whole item is read and its value dropped.
 */
public record Stamp(long cas, int flags)
{
}
