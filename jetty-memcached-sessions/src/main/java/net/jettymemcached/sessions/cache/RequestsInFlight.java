package net.jettymemcached.sessions.cache;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.NanoTime;
import org.eclipse.jetty.util.annotation.ManagedAttribute;
import org.eclipse.jetty.util.annotation.ManagedObject;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.component.Graceful;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requests in flight that may hold session locks (non-sticky contexts with locking), from the moment their
 * context starts handling them until their locks were released, so that a stop lets them finish first: a lock whose
 * request cannot release it (the memcached clients were closed under it) blocks its session on every Jetty until it
 * expires ({@code lockExpiration}), and its parallel requests then proceed unlocked.
 * <ul>
 * <li>It is {@link Graceful}: a server stopping gracefully ({@code stopTimeout} &gt; 0) shuts it down together with
 * its connectors and waits, within {@code stopTimeout}, until these requests are over (while they can still send
 * their answers).</li>
 * <li>Once it is shut down or stopped, a request arriving is not admitted: where it would lock, or make a session,
 * it is answered 503 with {@code Retry-After} ({@link #refuse}) before the application uses the session.</li>
 * <li>{@link #awaitNone} holds a stop until the admitted requests are over, for at most {@code asyncStopTimeout}
 * (the module's bound for its stop-time waits; one deadline shared by every wait of one stop). The id manager's
 * stop waits so (the server stops it before the contexts, which can then still store the sessions), and so does this
 * bean's own stop, which the cluster runs before it closes the clients: a stop that did not wait for the requests
 * ({@code stopTimeout} 0, or its time ran out) closed their connections, but their threads finish them.</li>
 * </ul>
 */
@ManagedObject("Requests in flight that may hold session locks")
public final class RequestsInFlight extends AbstractLifeCycle implements Graceful
{
    private static final Logger LOG = LoggerFactory.getLogger(RequestsInFlight.class);
    private static final String REFUSED = RequestsInFlight.class.getName() + ".refused";
    private static final String ANSWERED = RequestsInFlight.class.getName() + ".retryAfter";
    /** A stopping Jetty: the client (or its load balancer) may retry at once, elsewhere. */
    private static final long RETRY_AFTER_SECONDS = 1;

    private final AtomicLong admitted = new AtomicLong();
    private final Graceful.Shutdown shutdown = new Graceful.Shutdown(this)
    {
        @Override
        public boolean isShutdownDone()
        {
            return admitted.get() == 0;
        }
    };
    private final Duration stopTimeout;
    /** When the waits of this stop give up (nanos), once one began. */
    private Long deadline;
    private boolean warned;

    /** @param stopTimeout the longest a stop waits for the requests ({@code asyncStopTimeout}) */
    public RequestsInFlight(Duration stopTimeout)
    {
        this.stopTimeout = stopTimeout;
    }

    /**
     * Counts {@code request} until it completes, unless the module stops. Call before the request's locks are
     * prepared: the completion listener added here then runs after the one releasing them (Jetty runs a request's
     * completion listeners in reverse order).
     *
     * @return false if the request arrived while stopping: it may not lock ({@link #isRefused})
     */
    boolean admit(Request request)
    {
        if (isRefused(request))
            return false;
        admitted.incrementAndGet(); // before the test, so that a concurrent shutdown cannot miss it
        if (shutdown.isShutdown() || !isRunning())
        {
            completed();
            request.setAttribute(REFUSED, Boolean.TRUE);
            return false;
        }
        Request.addCompletionListener(request, failure -> completed());
        return true;
    }

    private void completed()
    {
        if (admitted.decrementAndGet() == 0 && shutdown.isShutdown())
            shutdown.check();
    }

    /** @return true if {@code request} arrived while the module stops */
    public static boolean isRefused(Request request)
    {
        return request != null && request.getAttribute(REFUSED) != null;
    }

    /**
     * @param request the request to answer, or null when there is none (it then gets no {@code Retry-After})
     * @return the exception to throw where Jetty resolves or makes the request's session id: Jetty answers it 503
     */
    public ServerStoppingException refuse(Request request)
    {
        if (request != null && request.getAttribute(ANSWERED) == null)
        {
            request.setAttribute(ANSWERED, Boolean.TRUE);
            RetryAfter.addToServiceUnavailable(request, RETRY_AFTER_SECONDS);
        }
        return new ServerStoppingException(RETRY_AFTER_SECONDS);
    }

    /** Jetty's graceful stop: no request is admitted from now on; done when those admitted are over. */
    @Override
    public CompletableFuture<Void> shutdown()
    {
        return shutdown.shutdown();
    }

    @Override
    public boolean isShutdown()
    {
        return shutdown.isShutdown();
    }

    /**
     * Admits no more requests and waits until those admitted are over, for at most what is left of this stop's
     * {@code asyncStopTimeout}; logs the requests still running then (their locks expire by themselves).
     *
     * @return true if none is left
     */
    public boolean awaitNone()
    {
        CompletableFuture<Void> none = shutdown.shutdown();
        try
        {
            none.get(Math.max(0, NanoTime.millisUntil(deadline())), TimeUnit.MILLISECONDS);
            return true;
        }
        catch (TimeoutException x)
        {
            warnOnce();
            return false;
        }
        catch (InterruptedException x)
        {
            Thread.currentThread().interrupt();
            return false;
        }
        catch (ExecutionException x)
        {
            return false;
        }
    }

    private synchronized long deadline()
    {
        if (deadline == null)
            deadline = NanoTime.now() + stopTimeout.toNanos();
        return deadline;
    }

    private synchronized void warnOnce()
    {
        if (warned)
            return;
        warned = true;
        LOG.warn("memcached sessions stop with {} request(s) still running after {} ms (asyncStopTimeout): the session locks they hold expire by themselves",
            admitted.get(), stopTimeout.toMillis());
    }

    @Override
    protected void doStart() throws Exception
    {
        synchronized (this)
        {
            deadline = null;
            warned = false;
        }
        shutdown.cancel();
        super.doStart();
    }

    /** Stopped by the cluster before the clients close. */
    @Override
    protected void doStop() throws Exception
    {
        awaitNone();
        super.doStop();
    }

    @ManagedAttribute("Requests in flight that may hold session locks")
    public long getRequestsInFlight()
    {
        return admitted.get();
    }

    @Override
    public String toString()
    {
        return String.format("%s@%x{%s, %d in flight%s}", getClass().getSimpleName(), hashCode(), getState(), admitted.get(), isShutdown() ? ", shut down" : "");
    }
}
