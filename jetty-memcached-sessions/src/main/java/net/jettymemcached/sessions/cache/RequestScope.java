package net.jettymemcached.sessions.cache;

import net.jettymemcached.sessions.id.SessionId;
import net.jettymemcached.sessions.lock.PathPattern;
import org.eclipse.jetty.server.Context;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ContextHandler;

/**
 * Which request one of our contexts is handling on this thread. Jetty resolves a request's session id inside the
 * context (every session cookie, {@code ;jsessionid=} in the URL, an id made by another context) and then asks the
 * id manager to map each candidate ({@code getId}) and the cache to load it ({@code get}); neither call carries the
 * request. Each of our caches registers one of these on its context, and Jetty calls it whenever a thread enters or
 * leaves the context's scope with a request: that is how the id manager and the cache know the request whose path
 * decides whether it is ignored and whether it locks.
 * <p>
 * The frames only flow down the call (from Jetty's scope entry to the calls it makes); nothing reports back
 * through them.
 */
public final class RequestScope implements ContextHandler.ContextScopeListener
{
    /** The innermost request scope of one of our contexts on this thread (cross-context dispatch nests them). */
    private static final ThreadLocal<Frame> CURRENT = new ThreadLocal<>();

    private static final class Frame
    {
        final Request request;
        final RequestScope scope;
        final Context context;
        final Frame outer;
        /** Whether the request's path is ignored: decided once per scope entry, when first asked. */
        Boolean ignored;

        Frame(Request request, RequestScope scope, Context context, Frame outer)
        {
            this.request = request;
            this.scope = scope;
            this.context = context;
            this.outer = outer;
        }
    }

    /** What a cache does for the requests of its context. */
    interface Hooks
    {
        /**
         * Called each time a thread enters the context's scope with {@code request}: first as the context starts
         * handling it (before its {@code SessionHandler}), then around the session's commit and completion.
         */
        void entered(Request request);

        /**
         * Called with the session's live home before it is loaded.
         *
         * @return false if the home's node did not answer (it is marked down now): the caller asks again with the
         * session's live home as it is now
         * @throws SessionBusyException when the request must be answered 503 without running the application
         */
        boolean beforeLoad(Request request, SessionId home) throws InterruptedException;
    }

    private final Hooks hooks;
    private final PathPattern ignore;
    private ContextHandler contextHandler;

    /** @param ignore the paths whose requests neither load, store nor create a session, or null */
    RequestScope(Hooks hooks, PathPattern ignore)
    {
        this.hooks = hooks;
        this.ignore = ignore;
    }

    /**
     * Starts listening to the context of {@code context} (a session manager's context); nothing if it has none.
     * Listening never stops, also not when the context stops: Jetty tells only registered listeners that a thread
     * leaves the scope, so removing this one while requests run would leave their frames on pool threads.
     */
    void attach(Context context)
    {
        if (contextHandler == null && context instanceof ContextHandler.ScopedContext scoped)
        {
            contextHandler = scoped.getContextHandler();
            contextHandler.addEventListener(this);
        }
    }

    @Override
    public void enterScope(Context context, Request request)
    {
        if (request == null)
            return;
        CURRENT.set(new Frame(request, this, context, CURRENT.get()));
        hooks.entered(request);
    }

    @Override
    public void exitScope(Context context, Request request)
    {
        Frame frame = CURRENT.get();
        if (request == null || frame == null || frame.scope != this || frame.request != request)
            return;
        if (frame.outer == null)
            CURRENT.remove();
        else
            CURRENT.set(frame.outer);
    }

    /**
     * @return true if the request this scope's context handles on this thread is on an ignored path: its path
     * matches {@code ignorePattern}, matched against the whole request path (context path included, query string
     * excluded), as documented
     */
    boolean currentRequestIsIgnored()
    {
        Frame frame = current();
        if (frame == null || frame.scope != this)
            return false;
        if (frame.ignored == null)
            frame.ignored = ignore != null && ignore.matches(pathOf(frame.request));
        return frame.ignored;
    }

    /** @return true if the request one of our contexts handles on this thread right now is on an ignored path */
    public static boolean isCurrentRequestIgnored()
    {
        Frame frame = current();
        return frame != null && frame.scope.currentRequestIsIgnored();
    }

    static String pathOf(Request request)
    {
        return request.getHttpURI().getCanonicalPath();
    }

    /**
     * Runs the hooks of the context in scope on this thread (if it is one of ours and handles a request) before the
     * session {@code home} is loaded.
     *
     * @return false if the home's node did not answer (it is marked down now): ask again with the new live home
     * @throws SessionBusyException when the request must be answered 503
     */
    public static boolean beforeLoad(SessionId home) throws InterruptedException
    {
        Frame frame = current();
        return frame == null || frame.scope.hooks.beforeLoad(frame.request, home);
    }

    /** @return the request this scope's context handles on this thread, or null */
    Request currentRequest()
    {
        Frame frame = current();
        return frame == null || frame.scope != this ? null : frame.request;
    }

    /** The innermost frame, if it belongs to the context in scope right now (another context may run inside ours). */
    private static Frame current()
    {
        Frame frame = CURRENT.get();
        return frame != null && frame.context == ContextHandler.getCurrentContext() ? frame : null;
    }
}
