package net.jettymemcached.sessions.format;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded byte mutations for {@link StoredValueFuzzTest}: every choice comes from the one {@link SplittableRandom}, so
 * the same seed gives the same bytes. Each operation returns a new array and appends what it did to {@link #log()},
 * which the fuzz report prints with a failing input.
 */
final class Mutator
{
    /** Bytes that end loops, flip signs and mark protostuff groups and Java serialization blocks. */
    static final byte[] INTERESTING_BYTES = {0x00, (byte)0xFF, 0x7F, (byte)0x80, 0x01, (byte)0xFE, 0x0B, 0x0C, 0x70, 0x78};
    /** Lengths and counts at the edges: signs, byte and short boundaries, the decoder's own limits. */
    static final int[] INTERESTING_INTS = {0, 1, -1, 2, 7, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000,
        Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE - 1, Integer.MAX_VALUE / 7, 10_000_000, 64 << 20, (64 << 20) + 1};
    static final long[] INTERESTING_VARINTS = {0, 1, 2, 0x7F, 0x80, 0x3FFF, 0x4000, 10_000_000, 64 << 20, Integer.MAX_VALUE,
        Integer.MAX_VALUE - 15, 1L << 31, 0xFFFFFFFFL, 1L << 32, Long.MAX_VALUE, -1L, Long.MIN_VALUE, Integer.MIN_VALUE};
    /** No mutation grows a value past this: the decoder's cost, not the mutator's, is under test. */
    static final int MAX_SIZE = 1 << 20;

    private final SplittableRandom random;
    private final StringBuilder log = new StringBuilder();

    Mutator(SplittableRandom random)
    {
        this.random = random;
    }

    SplittableRandom random()
    {
        return random;
    }

    /** @return what was done so far, one step after the other */
    String log()
    {
        return log.toString();
    }

    void note(String step)
    {
        if (log.length() > 0)
            log.append("; ");
        log.append(step);
    }

    int nextInt(int bound)
    {
        return bound <= 0 ? 0 : random.nextInt(bound);
    }

    boolean chance(int percent)
    {
        return random.nextInt(100) < percent;
    }

    int interestingInt()
    {
        return INTERESTING_INTS[random.nextInt(INTERESTING_INTS.length)];
    }

    /** An interesting int, or a value near {@code real} (off by one or a few, doubled, negated). */
    int lengthNear(int real)
    {
        return switch (random.nextInt(6))
        {
            case 0 -> real + 1;
            case 1 -> real - 1;
            case 2 -> real + 1 + random.nextInt(64);
            case 3 -> -real;
            case 4 -> real * 2;
            default -> interestingInt();
        };
    }

    byte[] garbage(int length)
    {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
            bytes[i] = chance(20) ? INTERESTING_BYTES[random.nextInt(INTERESTING_BYTES.length)] : (byte)random.nextInt(256);
        return bytes;
    }

    /** One to {@code maxRounds} random operations stacked on the whole array. */
    byte[] havoc(byte[] bytes, int maxRounds)
    {
        int rounds = 1 + random.nextInt(maxRounds);
        for (int i = 0; i < rounds; i++)
            bytes = once(bytes);
        return bytes;
    }

    /** As {@link #havoc} on {@code bytes[from, to)} only; the rest is kept as it is (the region may grow or shrink). */
    byte[] havoc(byte[] bytes, int from, int to, int maxRounds)
    {
        byte[] region = havoc(Arrays.copyOfRange(bytes, from, to), maxRounds);
        return splice(bytes, from, to, region);
    }

    byte[] once(byte[] bytes)
    {
        int op = random.nextInt(bytes.length == 0 ? 2 : 11);
        return switch (op)
        {
            case 0 -> insert(bytes);
            case 1 -> extend(bytes);
            case 2 -> flipBits(bytes);
            case 3 -> setInteresting(bytes);
            case 4 -> truncate(bytes);
            case 5 -> duplicateRange(bytes);
            case 6 -> removeRange(bytes);
            case 7 -> writeInt(bytes);
            case 8 -> writeVarint(bytes);
            case 9 -> repeatRange(bytes);
            default -> randomByte(bytes);
        };
    }

    byte[] flipBits(byte[] bytes)
    {
        byte[] copy = bytes.clone();
        int flips = random.nextInt(4) == 0 ? 1 + random.nextInt(8) : 1;
        for (int i = 0; i < flips; i++)
        {
            int at = random.nextInt(copy.length);
            int bit = random.nextInt(8);
            copy[at] ^= (byte)(1 << bit);
            note("flip bit " + bit + " @" + at);
        }
        return copy;
    }

    byte[] setInteresting(byte[] bytes)
    {
        byte[] copy = bytes.clone();
        int at = random.nextInt(copy.length);
        copy[at] = INTERESTING_BYTES[random.nextInt(INTERESTING_BYTES.length)];
        note(String.format("set @%d=%02x", at, copy[at] & 0xFF));
        return copy;
    }

    byte[] randomByte(byte[] bytes)
    {
        byte[] copy = bytes.clone();
        int at = random.nextInt(copy.length);
        copy[at] = (byte)random.nextInt(256);
        note(String.format("set @%d=%02x", at, copy[at] & 0xFF));
        return copy;
    }

    byte[] truncate(byte[] bytes)
    {
        int length = random.nextInt(bytes.length);
        note("truncate to " + length);
        return Arrays.copyOf(bytes, length);
    }

    byte[] extend(byte[] bytes)
    {
        byte[] tail = garbage(1 + random.nextInt(random.nextInt(8) == 0 ? 512 : 16));
        note("extend by " + tail.length);
        return concat(bytes, tail);
    }

    byte[] insert(byte[] bytes)
    {
        int at = random.nextInt(bytes.length + 1);
        byte[] inserted = garbage(1 + random.nextInt(16));
        note("insert " + inserted.length + " @" + at);
        return splice(bytes, at, at, inserted);
    }

    byte[] duplicateRange(byte[] bytes)
    {
        int from = random.nextInt(bytes.length);
        int to = from + 1 + random.nextInt(Math.min(bytes.length - from, 64));
        int at = random.nextInt(bytes.length + 1);
        note("copy [" + from + "," + to + ") to @" + at);
        return splice(bytes, at, at, Arrays.copyOfRange(bytes, from, to));
    }

    byte[] removeRange(byte[] bytes)
    {
        int from = random.nextInt(bytes.length);
        int to = from + 1 + random.nextInt(Math.min(bytes.length - from, 64));
        note("remove [" + from + "," + to + ")");
        return splice(bytes, from, to, new byte[0]);
    }

    /** A range repeated up to thousands of times: deep nesting when the range opens a structure. */
    byte[] repeatRange(byte[] bytes)
    {
        int from = random.nextInt(bytes.length);
        int to = from + 1 + random.nextInt(Math.min(bytes.length - from, 16));
        int unit = to - from;
        int times = Math.min(new int[]{2, 10, 100, 1000, 10_000, 100_000}[random.nextInt(6)], (MAX_SIZE - bytes.length) / unit);
        if (times <= 0)
            return bytes;
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + unit * times);
        out.write(bytes, 0, to);
        for (int i = 0; i < times; i++)
            out.write(bytes, from, unit);
        out.write(bytes, to, bytes.length - to);
        note("repeat [" + from + "," + to + ") " + times + " times");
        return out.toByteArray();
    }

    /** A big-endian i32 or u16 (Java serialization's and the envelope's lengths) set to an edge value. */
    byte[] writeInt(byte[] bytes)
    {
        int at = random.nextInt(bytes.length);
        int value = interestingInt();
        if (random.nextBoolean())
        {
            note("u16 @" + at + "=" + (value & 0xFFFF));
            return putShort(bytes, at, value);
        }
        note("i32 @" + at + "=" + value);
        return putInt(bytes, at, value);
    }

    /** The varint at a position (protostuff's tags, lengths and counts) replaced by an edge value. */
    byte[] writeVarint(byte[] bytes)
    {
        int at = random.nextInt(bytes.length);
        long value = INTERESTING_VARINTS[random.nextInt(INTERESTING_VARINTS.length)];
        note("varint @" + at + "=" + value);
        return replaceVarint(bytes, at, value);
    }

    static byte[] replaceVarint(byte[] bytes, int at, long value)
    {
        int end = at;
        while (end < bytes.length && end - at < 10 && (bytes[end] & 0x80) != 0)
            end++;
        end = Math.min(end + 1, bytes.length);
        return splice(bytes, at, end, varint(value));
    }

    static byte[] varint(long value)
    {
        byte[] out = new byte[10];
        int n = 0;
        while ((value & ~0x7FL) != 0)
        {
            out[n++] = (byte)((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out[n++] = (byte)value;
        return Arrays.copyOf(out, n);
    }

    /** Overwrites (or appends, past the end) a big-endian i32. */
    static byte[] putInt(byte[] bytes, int at, int value)
    {
        byte[] copy = Arrays.copyOf(bytes, Math.max(bytes.length, at + 4));
        copy[at] = (byte)(value >>> 24);
        copy[at + 1] = (byte)(value >>> 16);
        copy[at + 2] = (byte)(value >>> 8);
        copy[at + 3] = (byte)value;
        return copy;
    }

    static byte[] putShort(byte[] bytes, int at, int value)
    {
        byte[] copy = Arrays.copyOf(bytes, Math.max(bytes.length, at + 2));
        copy[at] = (byte)(value >>> 8);
        copy[at + 1] = (byte)value;
        return copy;
    }

    static byte[] putLong(byte[] bytes, int at, long value)
    {
        return putInt(putInt(bytes, at, (int)(value >>> 32)), at + 4, (int)value);
    }

    static byte[] splice(byte[] bytes, int from, int to, byte[] replacement)
    {
        byte[] out = new byte[bytes.length - (to - from) + replacement.length];
        System.arraycopy(bytes, 0, out, 0, from);
        System.arraycopy(replacement, 0, out, from, replacement.length);
        System.arraycopy(bytes, to, out, from + replacement.length, bytes.length - to);
        return out;
    }

    static byte[] concat(byte[]... parts)
    {
        int length = 0;
        for (byte[] part : parts)
            length += part.length;
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] part : parts)
        {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }
}
