package net.jettymemcached.sessions.store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import net.jettymemcached.sessions.format.EncodedAttribute;
import net.jettymemcached.sessions.format.SessionEnvelope;

/**
 * The one owner of "did the session's attributes change since they were last encoded", deciding it with as little
 * encoding as it can: a value that was replaced ({@code setAttribute}) or that a request touched and that is of a
 * mutable type is encoded and its bytes compared with the bytes it had; any other value cannot have changed, and
 * keeps its bytes. So a request that reads one small immutable attribute costs no encoding at all, an object changed
 * in place is still saved (it was read to be changed), and a full write re-encodes only what changed.
 * <p>
 * With {@code trackTouchedAttributes=false} every value is encoded and compared at every check, for applications that
 * change objects they did not get from the session in the same request (kept from an earlier request, or shared).
 * <p>
 * Touch marks are cleared only by a check made while no request uses the session (at the end of its last request):
 * a request still running (the check at response commit, or another request of a sticky session) may change a value
 * it read after this check, so what it touched is checked again at its end.
 */
final class AttributeChanges
{
    /**
     * @param attributes every attribute, encoded, sorted by name
     * @param changed    whether anything differs from the attributes as last encoded (or none were known)
     * @param encoded    how many values were encoded for this check
     */
    record Result(List<EncodedAttribute> attributes, boolean changed, int encoded)
    {
    }

    private final SessionEnvelope envelope;
    private final boolean trackTouched;

    AttributeChanges(SessionEnvelope envelope, boolean trackTouched)
    {
        this.envelope = envelope;
        this.trackTouched = trackTouched;
    }

    /**
     * Checks the attributes and remembers their encodings as the session's new ones.
     *
     * @param inUse whether a request still uses the session (its touch marks stay)
     * @throws IOException when a value cannot be encoded (the message names it)
     */
    Result check(MemcachedSessionData data, boolean inUse) throws IOException
    {
        Map<String, Object> values = data.attributeValues();
        Map<String, TrackedAttribute> previous = data.trackedAttributes();
        String[] names = values.keySet().toArray(new String[0]);
        Arrays.sort(names);
        List<EncodedAttribute> attributes = new ArrayList<>(names.length);
        Map<String, TrackedAttribute> next = new HashMap<>(Math.max(4, names.length * 2));
        boolean changed = previous == null || previous.size() != names.length;
        int encodedNow = 0;
        for (String name : names)
        {
            Object value = values.get(name);
            TrackedAttribute last = previous == null ? null : previous.get(name);
            boolean replaced = last == null || last.value != value;
            boolean touched = replaced || last.touched();
            EncodedAttribute encoded;
            if (trackTouched && !replaced && (!touched || ImmutableTypes.isImmutable(value.getClass())))
                encoded = last.encoded;
            else
            {
                encoded = envelope.encodeAttribute(name, value);
                encodedNow++;
                if (last != null && encoded.sameEncoding(last.encoded))
                    encoded = last.encoded;
                else
                    changed = true;
            }
            attributes.add(encoded);
            next.put(name, new TrackedAttribute(value, encoded, inUse && touched));
        }
        data.trackAttributes(next);
        return new Result(attributes, changed, encodedNow);
    }

    /** After a load: the session's values with the bytes they were stored as, untouched. */
    static void loaded(MemcachedSessionData data, List<EncodedAttribute> stored)
    {
        Map<String, Object> values = data.attributeValues();
        Map<String, TrackedAttribute> tracked = new HashMap<>(Math.max(4, stored.size() * 2));
        for (EncodedAttribute encoded : stored)
            tracked.put(encoded.name(), new TrackedAttribute(values.get(encoded.name()), encoded, false));
        data.trackAttributes(tracked);
    }
}
