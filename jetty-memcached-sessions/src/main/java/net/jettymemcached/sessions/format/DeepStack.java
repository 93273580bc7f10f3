package net.jettymemcached.sessions.format;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a codec call again, on a thread of its own with a stack large enough for values as deep as the
 * deserialization filter's {@code maxdepth}, when it overflowed the stack of the thread that made it. Both codecs
 * recurse once per level of a value, and a request thread is already deep in Jetty when a session is read, so a
 * value within the filter's depth could otherwise be unreadable on one thread and readable on another. The new
 * thread inherits the caller's context class loader, so webapp classes resolve as they do on the request thread.
 * Only values that overflow pay for it; everything else never leaves the request thread.
 */
final class DeepStack
{
    /** What one level costs at most, measured with room to spare (protostuff about 1 KiB interpreted). */
    private static final long BYTES_PER_LEVEL = 32 * 1024;
    private static final long MIN_STACK = 16L << 20;
    private static final long MAX_STACK = 1L << 30;

    private final long stackBytes;

    /** @param maxDepth the filter's maxdepth: the deepest value the codecs must be able to read */
    DeepStack(long maxDepth)
    {
        this.stackBytes = Math.max(MIN_STACK, Math.min(MAX_STACK, maxDepth * BYTES_PER_LEVEL));
    }

    long stackBytes()
    {
        return stackBytes;
    }

    interface Call<T>
    {
        T run() throws IOException, ClassNotFoundException;
    }

    /**
     * @return what the call returns, run on a thread with {@link #stackBytes} of stack
     * @throws IOException also when it overflows even that stack, or when the caller is interrupted while it waits
     */
    <T> T run(Call<T> call) throws IOException, ClassNotFoundException
    {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(null, () ->
        {
            try
            {
                result.set(call.run());
            }
            catch (Throwable x)
            {
                failure.set(x);
            }
        }, "memcached-session-deep-value", stackBytes);
        thread.setDaemon(true);
        thread.start();
        try
        {
            thread.join();
        }
        catch (InterruptedException x)
        {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while a deep value was read on its own stack");
        }
        Throwable thrown = failure.get();
        if (thrown == null)
            return result.get();
        if (thrown instanceof IOException io)
            throw io;
        if (thrown instanceof ClassNotFoundException notFound)
            throw notFound;
        if (thrown instanceof RuntimeException runtime)
            throw runtime;
        if (thrown instanceof OutOfMemoryError || thrown instanceof StackOverflowError)
            throw new IOException("the codec exhausted the JVM even on a stack of " + (stackBytes >> 20) + " MiB: " + thrown, thrown);
        if (thrown instanceof Error error)
            throw error;
        throw new IOException(thrown);
    }
}
