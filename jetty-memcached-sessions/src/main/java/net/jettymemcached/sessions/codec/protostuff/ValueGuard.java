package net.jettymemcached.sessions.codec.protostuff;

import java.util.BitSet;
import java.util.Collection;
import java.util.Map;

import io.protostuff.ProtobufException;
import io.protostuff.Schema;
import io.protostuff.runtime.ArraySchemas;
import io.protostuff.runtime.RuntimeSchema;
import net.jettymemcached.sessions.security.DeserializationFilters.Limits;

/**
 * Watches one protostuff value as it is read and stops it as soon as it holds something the encoder never writes, or
 * more than the deserialization filter allows a Java stream. protostuff allocates from counts it reads (an array's
 * length, a run of null elements) and recurses once per nesting level, so a few bytes could otherwise exhaust the
 * heap or the stack.
 * <p>
 * The kinds: protostuff's polymorphic schemas read the kind of each object from its field number, and some kinds
 * make protostuff build objects without asking the class lookup (a bare {@code Object}, the JDK's internal
 * {@code Collections} wrappers, {@code EnumSet}s); the encoder leaves all of them to Java serialization.
 * <p>
 * The caps, as the filter counts them for Java streams: the nesting depth of objects ({@code maxdepth}; a map's
 * entries are not a level), the objects and back-references read ({@code maxrefs}), and the elements of arrays and
 * null elements of collections, which cost memory without costing bytes ({@code maxarray}, for all of one value
 * together). Lengths of strings and byte arrays cannot exceed what is left of the value.
 */
final class ValueGuard
{
    /** The kinds (field numbers of protostuff's {@code ObjectSchema}) the encoder never writes, as bits. */
    private static final long NEVER_WRITTEN = bits(10, 16, 17, 18, 19, 20, 21, 22, 23, 28, 29, 52);
    /** Most dimensions the JVM allows an array class. */
    private static final int MAX_DIMENSIONS = 255;

    /** What the next number read means. */
    private enum Next
    {
        NOTHING, ARRAY_LENGTH, HEADER_LENGTH, DIMENSIONS, NULL_RUN
    }

    private final Limits limits;
    private Next next = Next.NOTHING;
    /** 1: an array header's length is the next field, 2: its dimensions are. */
    private int header;
    private int depth;
    private long references;
    private long slots;
    private int strings;
    /** The depths whose object is an array being filled: its runs of nulls allocate nothing. */
    private final BitSet arrays = new BitSet();

    /** @param length the bytes of the value */
    ValueGuard(Limits limits, int length) throws ProtobufException
    {
        this.limits = limits;
        if (length > limits.maxBytes())
            throw exceeded("a value of " + length + " bytes", "maxbytes", limits.maxBytes());
    }

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
        next = Next.NOTHING;
        if (header == 1)
        {
            header = number == 3 ? 2 : 0;
            next = number == 3 ? Next.HEADER_LENGTH : Next.NOTHING;
        }
        else if (header == 2)
        {
            header = 0;
            next = number == 2 ? Next.DIMENSIONS : Next.NOTHING;
        }
        else if (schema instanceof ArraySchemas.Base)
        {
            next = number == 1 ? Next.ARRAY_LENGTH : Next.NOTHING;
        }
        else if (number == 2 && !arrays.get(depth) && Collection.class.isAssignableFrom(schema.typeClass()))
        {
            next = Next.NULL_RUN;
        }
    }

    /** Called by the class lookup once it has named the component class of an array: its length and dimensions follow. */
    void arrayHeaderFollows()
    {
        header = 1;
    }

    /** Called with every number read as an {@code int32} (array lengths) or {@code uint32} (the others). */
    void number(int value, boolean signed) throws ProtobufException
    {
        Next what = next;
        if (what == Next.NOTHING)
            return;
        next = Next.NOTHING;
        long count = signed ? (value < 0 ? -(long)value - 1 : value) : Integer.toUnsignedLong(value);
        switch (what)
        {
            case ARRAY_LENGTH, HEADER_LENGTH -> slots(count, "an array of " + count + " elements");
            case NULL_RUN -> slots(count, "a run of " + count + " null elements");
            case DIMENSIONS ->
            {
                if (count < 1 || count > MAX_DIMENSIONS)
                    throw new ProtobufException("an array of " + count + " dimensions");
            }
            default ->
            {
            }
        }
    }

    private void slots(long count, String what) throws ProtobufException
    {
        slots += count;
        if (slots > limits.maxArray())
            throw exceeded(what + (slots > count ? " (" + slots + " in all)" : ""), "maxarray", limits.maxArray());
    }

    /**
     * Called before protostuff reads a nested object.
     * @return whether it is a level deeper (the caller passes it to {@link #leave})
     */
    boolean enter(Schema<?> schema) throws ProtobufException
    {
        reference();
        if (Map.Entry.class.isAssignableFrom(schema.typeClass()))
            return false;
        if (++depth > limits.maxDepth())
            throw exceeded("nesting " + depth + " objects deep", "maxdepth", limits.maxDepth());
        arrays.clear(depth);
        return true;
    }

    void leave(boolean deeper)
    {
        if (deeper)
            depth--;
    }

    /** Called for every object read, new or a back-reference. */
    void reference() throws ProtobufException
    {
        if (++references > limits.maxRefs())
            throw exceeded("more than " + limits.maxRefs() + " objects", "maxrefs", limits.maxRefs());
    }

    /** Called with every object protostuff has just built, before it is filled. */
    void built(Object value)
    {
        if (value != null && value.getClass().isArray())
            arrays.set(depth);
    }

    /** Called before a string, byte array or bytes of the given length are read. */
    void length(long length, long left) throws ProtobufException
    {
        if (length > left)
            throw new ProtobufException("a field of " + length + " bytes where " + left + " are left");
    }

    /** Called before a string reference of the {@link StringTable} is resolved for the first time. */
    void tableEntry() throws ProtobufException
    {
        if (++strings > StringTable.MAX_ENTRIES)
            throw new ProtobufException("more than " + StringTable.MAX_ENTRIES + " referenced strings, more than the encoder writes");
    }

    private static ProtobufException exceeded(String what, String limit, long value)
    {
        return new ProtobufException(what + " exceeds " + limit + "=" + value + " of the deserialization filter");
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
