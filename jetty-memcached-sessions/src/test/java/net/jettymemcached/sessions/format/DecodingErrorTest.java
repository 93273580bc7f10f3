package net.jettymemcached.sessions.format;

import java.util.List;

import net.jettymemcached.sessions.codec.AttributeCodec;
import org.eclipse.jetty.session.SessionData;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A value whose decoding exhausts the heap or the stack is unreadable like any other, whichever codec wrote it. */
class DecodingErrorTest
{
    @Test
    void anErrorWhileDecodingMakesTheValueUnreadable() throws Exception
    {
        for (Error error : List.of(new OutOfMemoryError("Java heap space"), new StackOverflowError()))
        {
            SessionData data = new SessionData("abc-n1", "_app", "0.0.0.0", 1, 2, 3, 60_000);
            data.setAttribute("value", "anything");
            SessionEnvelope throwing = new SessionEnvelope(AttributeCodecs.writingWith(new Throwing(error)), 16384, 1_000_000, null);
            byte[] stored = throwing.encode(data);
            SessionData target = new SessionData("abc-n1", "_app", "0.0.0.0", 0, 0, 0, 0);
            String message = assertThrows(UnreadableEnvelopeException.class, () -> throwing.decode(stored, target)).getMessage();
            assertTrue(message.contains(error.getClass().getSimpleName()), message);
        }
    }

    /** A custom codec whose decoding exhausts the JVM. */
    private record Throwing(Error error) implements AttributeCodec
    {
        @Override
        public int id()
        {
            return 200;
        }

        @Override
        public String name()
        {
            return "throwing";
        }

        @Override
        public byte[] encode(Object value)
        {
            return new byte[1];
        }

        @Override
        public Object decode(byte[] bytes)
        {
            throw error;
        }
    }
}
