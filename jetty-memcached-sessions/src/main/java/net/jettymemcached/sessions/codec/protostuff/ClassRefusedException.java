package net.jettymemcached.sessions.codec.protostuff;

import java.io.IOException;
import java.io.InvalidClassException;

/**
 * Thrown through protostuff when a stored value names a class that is missing or refused, or a kind of value the
 * encoder never writes. It is unchecked because protostuff's class lookups and factories declare no checked
 * exceptions; the codec turns it back into what the envelope reports as unreadable ({@link #toChecked()}).
 */
final class ClassRefusedException extends RuntimeException
{
    enum Reason
    {
        /** Not found in the webapp's class loader. */
        MISSING,
        /** Refused by the deserialization filter. */
        FILTERED,
        /** Never written through protostuff, so never read either. */
        NOT_WRITTEN
    }

    private final String className;
    private final Reason reason;

    /** @param what the class name, or what the value holds when it names no class */
    ClassRefusedException(String what, Reason reason, String detail)
    {
        super(detail == null ? what : what + " is refused: " + detail, null, false, false);
        this.className = what;
        this.reason = reason;
    }

    static ClassRefusedException missing(String className)
    {
        return new ClassRefusedException(className, Reason.MISSING, null);
    }

    static ClassRefusedException filtered(String className)
    {
        return new ClassRefusedException(className, Reason.FILTERED, null);
    }

    static ClassRefusedException notWritten(String what, String detail)
    {
        return new ClassRefusedException(what, Reason.NOT_WRITTEN, detail);
    }

    /** @return the exception {@link net.jettymemcached.sessions.codec.AttributeCodec#decode} reports this as */
    Exception toChecked()
    {
        return switch (reason)
        {
            case MISSING -> new ClassNotFoundException(className);
            case FILTERED -> new InvalidClassException(className, "refused by the deserialization filter");
            case NOT_WRITTEN -> new IOException(getMessage());
        };
    }
}
