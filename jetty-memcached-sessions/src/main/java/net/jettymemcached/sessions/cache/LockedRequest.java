package net.jettymemcached.sessions.cache;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import net.jettymemcached.sessions.id.SessionId;
import net.jettymemcached.sessions.lock.RequestLocking;
import net.jettymemcached.sessions.lock.SessionBusyException;
import net.jettymemcached.sessions.lock.HeldLock;
import net.jettymemcached.sessions.store.MemcachedSessionData;
import net.jettymemcached.sessions.store.WriteFence;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.session.ManagedSession;
import org.eclipse.jetty.session.SessionData;
import org.eclipse.jetty.session.SessionManager;
import org.eclipse.jetty.util.Callback;

/**
 * The session locks one request holds in one context (non-sticky mode). Prepared as the context starts handling
 * the request, before Jetty's {@code SessionHandler} adds its own completion; each session id Jetty resolves for the
 * request is then locked before it is loaded (once, however often Jetty asks). The locks are released by a
 * completion listener, which Jetty runs inside the session's completion: after the session was stored and before
 * the response is complete (so the client's next request cannot find the lock still held), on whichever thread
 * completes the request, also when it failed, was async or was cancelled.
 */
final class LockedRequest
{
    private final Request request;
    private final String path;
    private final RequestLocking locking;
    private final SessionManager manager;
    private final Map<String, HeldLock> held = new LinkedHashMap<>();
    private boolean finished;
    /** The response's status once sent (0 before): {@code auto} learns only from successful responses. */
    private volatile int status;

    private LockedRequest(Request request, String path, RequestLocking locking, SessionManager manager)
    {
        this.request = request;
        this.path = path;
        this.locking = locking;
        this.manager = manager;
    }

    /** @return the name of the request attribute holding a request's locks in {@code manager}'s context */
    static String attributeFor(SessionManager manager)
    {
        return LockedRequest.class.getName() + "@" + Integer.toHexString(System.identityHashCode(manager));
    }

    /**
     * Prepares the request's locks in {@code manager}'s context under {@code attribute}; call before the context's
     * SessionHandler runs.
     */
    static void prepare(Request request, String attribute, String path, RequestLocking locking, SessionManager manager)
    {
        LockedRequest created = new LockedRequest(request, path, locking, manager);
        request.setAttribute(attribute, created);
        // Added before the SessionHandler's stream wrapper, so it runs within that wrapper's completion, after the store.
        Request.addCompletionListener(request, failure -> created.finish(manager.getManagedSession(request)));
        request.addHttpStreamWrapper(stream -> new HttpStream.Wrapper(stream)
        {
            @Override
            public void send(MetaData.Request metaRequest, MetaData.Response response, boolean last, ByteBuffer content, Callback callback)
            {
                if (response != null)
                    created.status = response.getStatus();
                super.send(metaRequest, response, last, content, callback);
            }
        });
    }

    /** @return the request's locks stored under {@code attribute}, or null if it may take none */
    static LockedRequest find(Request request, String attribute)
    {
        return (LockedRequest)request.getAttribute(attribute);
    }

    /**
     * Locks session {@code id} for this request, once.
     *
     * @return false if the lock's node did not answer (it is marked down now): the session may live elsewhere now
     */
    boolean lock(SessionId id, String key, String holder) throws InterruptedException
    {
        synchronized (this)
        {
            if (finished || held.containsKey(id.clusterId()))
                return true;
        }
        HeldLock lock;
        try
        {
            lock = locking.lock(path, id, key, holder);
        }
        catch (SessionBusyException x)
        {
            RetryAfter.addToServiceUnavailable(request, x.getRetryAfterSeconds());
            throw x;
        }
        if (lock == HeldLock.UNREACHABLE)
            return false;
        synchronized (this)
        {
            if (!finished)
            {
                held.put(id.clusterId(), lock);
                return true;
            }
        }
        locking.finished(path, null, 0, List.of(lock));
        return true;
    }

    /** @return what a session of {@code clusterId} loaded by this request asks before it is written, or null if unlocked */
    synchronized WriteFence fenceFor(String clusterId)
    {
        HeldLock lock = held.get(clusterId);
        if (lock == null || !lock.exists())
            return null;
        return () -> locking.stillHeld(lock);
    }

    /** Learns from how {@code session} was stored (null: there was none) and releases every lock of the request. */
    private void finish(ManagedSession session)
    {
        List<HeldLock> locks;
        synchronized (this)
        {
            if (finished)
                return;
            finished = true;
            locks = new ArrayList<>(held.values());
            held.clear();
        }
        SessionData data = session == null ? null : session.getSessionData();
        Boolean modified = data instanceof MemcachedSessionData tracked ? tracked.storeOutcome() : null;
        locking.finished(path, modified, status, locks);
    }
}
