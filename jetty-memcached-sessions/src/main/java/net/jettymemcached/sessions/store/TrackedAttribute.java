package net.jettymemcached.sessions.store;

import net.jettymemcached.sessions.format.EncodedAttribute;

/**
 * An attribute's value as it was last encoded (loaded or written), with those bytes, and whether a request touched
 * it since ({@code getAttribute} or {@code setAttribute}): a value neither replaced nor touched cannot have been
 * changed by a request, so its bytes are reused as they are.
 */
final class TrackedAttribute
{
    final Object value;
    final EncodedAttribute encoded;
    private volatile boolean touched;

    TrackedAttribute(Object value, EncodedAttribute encoded, boolean touched)
    {
        this.value = value;
        this.encoded = encoded;
        this.touched = touched;
    }

    void touch()
    {
        if (!touched)
            touched = true;
    }

    boolean touched()
    {
        return touched;
    }
}
