package net.jettymemcached.sessions.store;

import java.util.ArrayList;
import java.util.List;

import net.jettymemcached.sessions.codec.protostuff.ProtostuffAttributeCodec;
import net.jettymemcached.sessions.format.SessionEnvelope;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which attributes a check encodes, and when it sees a change: pure decision logic on a session in memory. */
class AttributeChangesTest
{
    private final SessionEnvelope envelope = new SessionEnvelope(new ProtostuffAttributeCodec());
    private final AttributeChanges tracking = new AttributeChanges(envelope, true);
    private final AttributeChanges everything = new AttributeChanges(envelope, false);

    private static MemcachedSessionData session()
    {
        MemcachedSessionData data = new MemcachedSessionData("id-n1", "_", "0.0.0.0", 1, 1, 1, 60_000);
        data.setAttribute("name", "alice");
        data.setAttribute("counter", 1);
        data.setAttribute("cart", new ArrayList<>(List.of("apple")));
        data.setAttribute("blob", new byte[1024]);
        return data;
    }

    @Test
    void theFirstCheckEncodesEverythingAndTheNextNothingUntouched() throws Exception
    {
        MemcachedSessionData data = session();
        AttributeChanges.Result first = tracking.check(data, false);
        assertTrue(first.changed());
        assertEquals(4, first.encoded());
        AttributeChanges.Result second = tracking.check(data, false);
        assertFalse(second.changed());
        assertEquals(0, second.encoded());
        assertEquals(List.of("blob", "cart", "counter", "name"), second.attributes().stream().map(a -> a.name()).toList());
    }

    @Test
    void readingImmutableValuesEncodesNothing() throws Exception
    {
        MemcachedSessionData data = session();
        tracking.check(data, false);
        data.getAttribute("name");
        data.getAttribute("counter");
        AttributeChanges.Result result = tracking.check(data, false);
        assertFalse(result.changed());
        assertEquals(0, result.encoded());
    }

    @Test
    void aMutableValueThatWasReadIsEncodedAndAChangeInPlaceSeen() throws Exception
    {
        MemcachedSessionData data = session();
        tracking.check(data, false);
        @SuppressWarnings("unchecked")
        List<String> cart = (List<String>)data.getAttribute("cart");
        AttributeChanges.Result unchanged = tracking.check(data, true);
        assertEquals(1, unchanged.encoded());
        assertFalse(unchanged.changed());
        cart.add("pear"); // after the check at commit: the request still runs
        AttributeChanges.Result atEnd = tracking.check(data, false);
        assertEquals(1, atEnd.encoded(), "still touched: the check at commit kept the mark");
        assertTrue(atEnd.changed());
        AttributeChanges.Result next = tracking.check(data, false);
        assertEquals(0, next.encoded(), "marks cleared by the check at the end");
    }

    @Test
    void aValueSetAgainIsEncodedEvenWhenTheSameObject() throws Exception
    {
        MemcachedSessionData data = session();
        tracking.check(data, false);
        @SuppressWarnings("unchecked")
        List<String> cart = (List<String>)data.attributeValues().get("cart"); // not a read through the session
        cart.add("pear");
        assertFalse(tracking.check(data, false).changed(), "untouched: not checked (trackTouchedAttributes=false is for this)");
        data.setAttribute("cart", cart);
        AttributeChanges.Result result = tracking.check(data, false);
        assertTrue(result.changed());
        assertEquals(1, result.encoded());
    }

    @Test
    void replacedAddedAndRemovedAttributesAreChanges() throws Exception
    {
        MemcachedSessionData data = session();
        tracking.check(data, false);
        data.setAttribute("counter", 2);
        assertTrue(tracking.check(data, false).changed());
        data.setAttribute("counter", 2);
        assertFalse(tracking.check(data, false).changed(), "an equal value encodes to the same bytes");
        data.setAttribute("extra", "x");
        assertTrue(tracking.check(data, false).changed());
        data.setAttribute("extra", null);
        assertTrue(tracking.check(data, false).changed());
    }

    @Test
    void getAllAttributesTouchesEveryValue() throws Exception
    {
        MemcachedSessionData data = session();
        tracking.check(data, false);
        data.getAllAttributes();
        assertEquals(2, tracking.check(data, false).encoded(), "the two mutable values (cart, blob)");
    }

    /** A serializable activation listener that counts its passivations (a change it makes to itself). */
    public static final class Passivations implements jakarta.servlet.http.HttpSessionActivationListener, java.io.Serializable
    {
        public int count;

        @Override
        public void sessionWillPassivate(jakarta.servlet.http.HttpSessionEvent event)
        {
            count++;
        }
    }

    @Test
    void jettysPassivationCallbacksTouchOnlyActivationListeners() throws Exception
    {
        MemcachedSessionData data = session();
        Passivations listener = new Passivations();
        data.setAttribute("listener", listener);
        tracking.check(data, false);
        // What Jetty's SessionHandler does before a store: reads every attribute, calls the listeners among them.
        data.runActivationCallbacks(() ->
        {
            for (String name : data.getKeys())
                if (data.getAttribute(name) instanceof Passivations p)
                    p.sessionWillPassivate(null);
        });
        AttributeChanges.Result result = tracking.check(data, false);
        assertEquals(1, result.encoded(), "only the listener, which may have changed itself");
        assertTrue(result.changed());
    }

    @Test
    void withTrackingOffEveryValueIsEncodedAtEveryCheck() throws Exception
    {
        MemcachedSessionData data = session();
        everything.check(data, false);
        @SuppressWarnings("unchecked")
        List<String> cart = (List<String>)data.attributeValues().get("cart");
        cart.add("pear");
        AttributeChanges.Result result = everything.check(data, false);
        assertEquals(4, result.encoded());
        assertTrue(result.changed());
    }
}
