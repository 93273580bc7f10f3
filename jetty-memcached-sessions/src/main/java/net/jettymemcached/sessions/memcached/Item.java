package net.jettymemcached.sessions.memcached;

/**
 * A memcached item as this module stores it: the value and the item's 32-bit client flags, in which the store keeps
 * the copy's version (see {@code replication.CopyVersion}) so that it can be asked for without the value.
 */
public record Item(byte[] value, int flags)
{
}
