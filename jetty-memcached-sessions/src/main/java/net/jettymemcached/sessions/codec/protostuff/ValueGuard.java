package net.jettymemcached.sessions.codec.protostuff;

import io.protostuff.Schema;
import io.protostuff.runtime.RuntimeSchema;

/**
 * Watches one protostuff value as it is read, field number by field number, and stops it as soon as it holds
 * something the encoder never writes. protostuff's polymorphic schemas read the kind of each object from its field
 * number, and some kinds make protostuff build objects without asking the class lookup at all (a bare
 * {@code Object}, the JDK's internal {@code Collections} wrappers, {@code EnumSet}s); the encoder leaves all of
 * them to Java serialization, so no protostuff value holds them.
 */
final class ValueGuard
{
    /** The kinds (field numbers of protostuff's {@code ObjectSchema}) the encoder never writes, as bits. */
    private static final long NEVER_WRITTEN = bits(10, 16, 17, 18, 19, 20, 21, 22, 23, 28, 29, 52);

    private static long bits(int... numbers)
    {
        long bits = 0;
        for (int number : numbers)
            bits |= 1L << number;
        return bits;
    }

    /**
     * Called with every field number read, before protostuff acts on it.
     * @param schema what reads the field: an application class's schema numbers its fields freely, every other
     *               schema is one of protostuff's, whose numbers mean kinds
     */
    void field(Schema<?> schema, int number)
    {
        if (number < Long.SIZE && (NEVER_WRITTEN >>> number & 1) != 0 && !(schema instanceof RuntimeSchema))
            throw ClassRefusedException.notWritten(kind(number), "the encoder leaves it to Java serialization");
    }

    private static String kind(int number)
    {
        return switch (number)
        {
            case 10 -> "a ByteString";
            case 16 -> "a bare java.lang.Object";
            case 17 -> "an array by registered id";
            case 19, 21 -> "a class by registered id";
            case 18, 20 -> "a class object";
            case 22 -> "an EnumSet";
            case 23 -> "an EnumMap";
            case 28 -> "an internal java.util.Collections collection";
            case 29 -> "an internal java.util.Collections map";
            default -> "a Throwable";
        };
    }
}
