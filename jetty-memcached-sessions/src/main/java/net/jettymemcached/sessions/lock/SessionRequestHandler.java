package net.jettymemcached.sessions.lock;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import net.jettymemcached.sessions.MemcachedCluster;
import net.jettymemcached.sessions.id.SessionId;
import net.jettymemcached.sessions.node.MemcachedNode;
import net.jettymemcached.sessions.store.MemcachedSessionDataStore;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.session.SessionIdManager;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.annotation.ManagedAttribute;
import org.eclipse.jetty.util.annotation.ManagedObject;

/**
 * Sits in front of every context and does, per request, what must happen before a context loads a session:
 * <ul>
 * <li>requests whose path matches {@code ignorePattern} are marked so that no session is loaded, stored or created
 * for them ({@link IgnoredRequest});</li>
 * <li>in non-sticky mode, requests that {@code lockingMode} selects take their session's lock before the session is
 * loaded, and release it once the request has completed and the session was stored — also when the request failed,
 * was async or was cancelled. A lock not obtained within {@code lockTimeout} either lets the request proceed
 * unlocked or answers 503 with {@code Retry-After} ({@code lockTimeoutAction}).</li>
 * </ul>
 */
@ManagedObject("Ignored requests and session locking")
public class SessionRequestHandler extends Handler.Wrapper
{
    private final MemcachedCluster cluster;
    private final PathPattern ignore;
    private final LockingMode locking;
    private final LockTimeoutAction timeoutAction;
    private final ReadOnlyPaths readOnly = new ReadOnlyPaths();
    private final SessionIdManager idManager;

    public SessionRequestHandler(MemcachedCluster cluster, SessionIdManager idManager)
    {
        this.cluster = cluster;
        this.ignore = PathPattern.compile("jetty.session.memcached.ignorePattern", cluster.config().getIgnorePattern());
        this.locking = cluster.config().isSticky() ? LockingMode.parse("none") : LockingMode.parse(cluster.config().getLockingMode());
        this.timeoutAction = LockTimeoutAction.parse(cluster.config().getLockTimeoutAction());
        this.idManager = idManager;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception
    {
        String path = Request.getPathInContext(request);
        if (ignore != null && ignore.matches(path))
        {
            IgnoredRequest.begin();
            try
            {
                return super.handle(request, response, callback);
            }
            finally
            {
                IgnoredRequest.end();
            }
        }
        if (locking.kind() == LockingMode.Kind.NONE)
            return super.handle(request, response, callback);

        Optional<Target> target = target(request);
        if (target.isEmpty())
            return super.handle(request, response, callback);
        String sessionId = target.get().id().clusterId();
        RequestOutcomes.Watch watch = locking.kind() == LockingMode.Kind.AUTO ? cluster.outcomes().watch(sessionId) : null;

        SessionLocks.Held held = null;
        if (locking.locks(path, readOnly))
        {
            held = cluster.locks().acquire(target.get().id(), target.get().store().getKeys().lock(sessionId), idManager.getWorkerName());
            if (held == null && timeoutAction == LockTimeoutAction.REJECT)
            {
                if (watch != null)
                    cluster.outcomes().end(watch);
                cluster.statistics().lockRejected();
                reject(response, callback);
                return true;
            }
            if (held == null)
                cluster.statistics().lockProceededUnlocked();
        }
        SessionLocks.Held lock = held;
        // Runs after the context's own completion (which stores the session): listeners run in reverse order.
        Request.addCompletionListener(request, failure -> finish(path, watch, lock));
        return super.handle(request, response, callback);
    }

    private void finish(String path, RequestOutcomes.Watch watch, SessionLocks.Held lock)
    {
        try
        {
            if (watch != null)
            {
                RequestOutcomes.Outcome outcome = cluster.outcomes().end(watch);
                if (outcome != RequestOutcomes.Outcome.UNKNOWN)
                    readOnly.observed(path, outcome == RequestOutcomes.Outcome.MODIFIED);
            }
        }
        finally
        {
            cluster.locks().release(lock);
        }
    }

    private void reject(Response response, Callback callback)
    {
        long retryAfter = Math.max(1, (cluster.config().getLockTimeoutMillis() + 999) / 1000);
        response.setStatus(HttpStatus.SERVICE_UNAVAILABLE_503);
        response.getHeaders().put(HttpHeader.RETRY_AFTER, String.valueOf(retryAfter));
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain;charset=utf-8");
        response.write(true, ByteBuffer.wrap("The session is busy with another request; please retry.\n".getBytes(StandardCharsets.UTF_8)), callback);
    }

    /** The session a request will use: its context's store and the id from that context's session cookie. */
    private record Target(MemcachedSessionDataStore store, SessionId id)
    {
    }

    private Optional<Target> target(Request request)
    {
        String path = Request.getPathInContext(request);
        String host = Request.getServerName(request);
        MemcachedSessionDataStore best = null;
        for (MemcachedSessionDataStore store : cluster.stores())
        {
            if (store.serves(path, host) && (best == null || store.getContextPath().length() > best.getContextPath().length()))
                best = store;
        }
        if (best == null)
            return Optional.empty();
        List<HttpCookie> cookies;
        try
        {
            cookies = Request.getCookies(request);
        }
        catch (RuntimeException x)
        {
            return Optional.empty(); // Jetty refuses the request itself
        }
        String cookieName = best.getSessionCookieName();
        for (HttpCookie cookie : cookies)
        {
            if (!cookie.getName().equalsIgnoreCase(cookieName))
                continue;
            String extended = cookie.getValue();
            int dot = extended.lastIndexOf('.');
            SessionId id = cluster.idFormat().parse(dot > 0 ? extended.substring(0, dot) : extended);
            if (id != null)
                return Optional.of(new Target(best, liveHome(id)));
        }
        return Optional.empty();
    }

    /** Where the session will be when the context asks: a session on a dead node is moved before it is loaded. */
    private SessionId liveHome(SessionId id)
    {
        if (id.nodeId().isEmpty() || cluster.selector().isLive(id.nodeId()))
            return id;
        return cluster.selector().nextLiveAfter(id.nodeId()).map(MemcachedNode::id).map(id::onNode).orElse(id);
    }

    @ManagedAttribute("Locking mode")
    public String getLockingMode()
    {
        return locking.toString();
    }

    @ManagedAttribute("Request paths learned to be read-only (lockingMode=auto)")
    public int getReadOnlyPaths()
    {
        return readOnly.size();
    }
}
