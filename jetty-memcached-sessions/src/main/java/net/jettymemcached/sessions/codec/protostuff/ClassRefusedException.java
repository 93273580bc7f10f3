package net.jettymemcached.sessions.codec.protostuff;

/**
 * Thrown through protostuff's class lookup when a stored value names a class that is refused or missing. It is
 * unchecked on purpose: protostuff answers a {@link ClassNotFoundException} by trying its own class loader, which
 * would bypass both the webapp's loader and the filter.
 */
final class ClassRefusedException extends RuntimeException
{
    private final boolean missing;

    ClassRefusedException(String message, boolean missing)
    {
        super(message, null, false, false);
        this.missing = missing;
    }

    boolean isMissing()
    {
        return missing;
    }
}
