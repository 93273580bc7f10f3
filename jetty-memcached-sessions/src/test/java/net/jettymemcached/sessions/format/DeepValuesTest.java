package net.jettymemcached.sessions.format;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import net.jettymemcached.sessions.security.DeserializationFilters;
import org.eclipse.jetty.session.SessionData;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A value as deep as the filter's {@code maxdepth} allows is readable whatever stack the reading thread has left: a
 * request thread is already deep in Jetty, and both codecs recurse once per level. Deeper is refused as before.
 */
class DeepValuesTest
{
    /** Smaller than any thread pool's default: reading 500 levels overflows it in both codecs. */
    private static final long SMALL_STACK = 256 * 1024;

    @Test
    void aValueAtTheDefaultDepthIsReadOnASmallStack() throws Throwable
    {
        for (String serializer : List.of("protostuff", "java"))
        {
            SessionEnvelope envelope = new SessionEnvelope(AttributeCodecs.of(serializer, DeserializationFilters.parse("")), 16384, 1_000_000, null);
            byte[] stored = envelope.encode(holding(nested(serializer.equals("java") ? 495 : 500)));
            SessionData read = onSmallStack(() -> envelope.decode(stored, target()));
            assertEquals(nested(serializer.equals("java") ? 495 : 500), read.getAttribute("value"), serializer);
        }
    }

    @Test
    void aValueBeyondTheDepthIsStillRefusedOnASmallStack() throws Throwable
    {
        for (String serializer : List.of("protostuff", "java"))
        {
            SessionEnvelope deeper = new SessionEnvelope(AttributeCodecs.of(serializer, DeserializationFilters.parse("maxdepth=5000")), 16384, 1_000_000, null);
            byte[] stored = onSmallStack(() -> deeper.encode(holding(nested(2000))));
            SessionEnvelope envelope = new SessionEnvelope(AttributeCodecs.of(serializer, DeserializationFilters.parse("")), 16384, 1_000_000, null);
            String message = onSmallStack(() -> assertThrows(UnreadableEnvelopeException.class, () -> envelope.decode(stored, target())).getMessage());
            // protostuff leaves a value it cannot check for fidelity to Java serialization: either refusal is the filter's
            assertTrue(message.contains("REJECTED") || message.contains("maxdepth"), serializer + ": " + message);
        }
    }

    @Test
    void aValueTooDeepToBeReadBackIsRefusedWhenWritten() throws Throwable
    {
        for (String serializer : List.of("protostuff", "java"))
        {
            SessionEnvelope envelope = new SessionEnvelope(AttributeCodecs.of(serializer, DeserializationFilters.parse("")), 16384, 1_000_000, null);
            String message = onSmallStack(() -> assertThrows(IOException.class, () -> envelope.encode(holding(nested(2000)))).getMessage());
            assertTrue(message.contains("'value'") && message.contains("too deep"), serializer + ": " + message);
        }
    }

    private interface Task<T>
    {
        T run() throws Exception;
    }

    /** Runs the task on a thread whose whole stack is {@link #SMALL_STACK}. */
    private static <T> T onSmallStack(Task<T> task) throws Throwable
    {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(null, () ->
        {
            try
            {
                result.set(task.run());
            }
            catch (Throwable x)
            {
                failure.set(x);
            }
        }, "small-stack", SMALL_STACK);
        thread.start();
        thread.join();
        if (failure.get() != null)
            throw failure.get();
        return result.get();
    }

    private static SessionData holding(Object value)
    {
        SessionData data = new SessionData("abc-n1", "_app", "0.0.0.0", 1, 2, 3, 60_000);
        data.setAttribute("value", value);
        return data;
    }

    private static SessionData target()
    {
        return new SessionData("abc-n1", "_app", "0.0.0.0", 0, 0, 0, 0);
    }

    private static List<Object> nested(int depth)
    {
        List<Object> outer = new ArrayList<>();
        List<Object> current = outer;
        for (int i = 1; i < depth; i++)
        {
            List<Object> next = new ArrayList<>();
            current.add(next);
            current = next;
        }
        return outer;
    }
}
