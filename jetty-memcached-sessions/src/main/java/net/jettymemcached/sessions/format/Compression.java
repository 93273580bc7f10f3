package net.jettymemcached.sessions.format;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Deflate at the fastest level for values above {@code compressionThreshold.bytes}. Deflaters hold native memory, so
 * a few are pooled rather than one made per call or kept per thread.
 */
final class Compression
{
    /** Deflate cannot expand more than about 1032:1, so a declared length beyond that is a lie. */
    private static final long MAX_RATIO = 1032;
    private static final BlockingQueue<Deflater> DEFLATERS = new ArrayBlockingQueue<>(8);
    private static final BlockingQueue<Inflater> INFLATERS = new ArrayBlockingQueue<>(8);

    private Compression()
    {
    }

    /** @return the deflated bytes, or null when they would not be smaller */
    static byte[] deflate(byte[] bytes, int offset, int length)
    {
        Deflater deflater = DEFLATERS.poll();
        if (deflater == null)
            deflater = new Deflater(Deflater.BEST_SPEED);
        try
        {
            deflater.setInput(bytes, offset, length);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, length / 2));
            byte[] chunk = new byte[Math.min(64 * 1024, Math.max(1024, length))];
            while (!deflater.finished())
            {
                int n = deflater.deflate(chunk);
                out.write(chunk, 0, n);
                if (out.size() >= length)
                    return null;
            }
            return out.toByteArray();
        }
        finally
        {
            deflater.reset();
            if (!DEFLATERS.offer(deflater))
                deflater.end();
        }
    }

    /**
     * @param inflatedLength the length recorded when the bytes were deflated
     * @throws DataFormatException when the bytes are not deflate data of exactly that length
     */
    static byte[] inflate(byte[] bytes, int offset, int length, int inflatedLength, int maxLength) throws DataFormatException
    {
        if (inflatedLength < 0 || inflatedLength > maxLength || inflatedLength > MAX_RATIO * length + 64)
            throw new DataFormatException("impossible inflated length " + inflatedLength);
        Inflater inflater = INFLATERS.poll();
        if (inflater == null)
            inflater = new Inflater();
        try
        {
            inflater.setInput(bytes, offset, length);
            byte[] result = new byte[inflatedLength];
            int n = 0;
            while (!inflater.finished())
            {
                if (n == inflatedLength)
                {
                    // all expected bytes are out; only the stream's end (and its checksum) may follow
                    if (inflater.inflate(new byte[1]) > 0 || !inflater.finished())
                        throw new DataFormatException("compressed data longer than its recorded length");
                    break;
                }
                int read = inflater.inflate(result, n, inflatedLength - n);
                if (read == 0 && (inflater.needsInput() || inflater.needsDictionary()))
                    throw new DataFormatException("compressed data truncated");
                n += read;
            }
            if (n != inflatedLength || inflater.getRemaining() != 0)
                throw new DataFormatException("compressed data does not match its recorded length");
            return result;
        }
        finally
        {
            inflater.reset();
            if (!INFLATERS.offer(inflater))
                inflater.end();
        }
    }
}
