package net.jettymemcached.sessions.format;

import java.io.IOException;

/** Stored bytes that cannot be turned back into a session; the message says why. */
public class UnreadableEnvelopeException extends IOException
{
    public UnreadableEnvelopeException(String message)
    {
        super(message);
    }

    public UnreadableEnvelopeException(String message, Throwable cause)
    {
        super(message, cause);
    }
}
