package net.jettymemcached.sessions.memcached;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.eclipse.jetty.util.NanoTime;

/**
 * An operation sent to a node whose answer is awaited later, so that a read can ask several nodes at once and wait
 * about one round trip instead of one per node. Its wait is bounded by the operation timeout from when it was sent;
 * every failure is a {@link NodeUnavailableException}, also reported to {@code onFailure} (which marks the node down).
 * When the client knows why the node fails (its login was refused), the failure says that.
 */
public final class Pending<T>
{
    /** Turns the operation's answer into the result; throws when the answer is a failure. */
    @FunctionalInterface
    interface Answer<R, T>
    {
        T apply(R value) throws NodeUnavailableException;
    }

    private final Future<?> future;
    private final Answer<Object, T> result;
    private final String what;
    private final long deadline;
    private final Runnable cancel;
    private final Supplier<String> knownCause;
    private final NodeUnavailableException failure;
    private Consumer<NodeUnavailableException> onFailure = x -> { };

    /** @param knownCause why the node fails, if its client knows (a refused login), else null */
    @SuppressWarnings("unchecked")
    <R> Pending(Future<R> future, Answer<? super R, T> result, String what, long timeoutMs, Runnable cancel, Supplier<String> knownCause)
    {
        this.future = future;
        this.result = value -> result.apply((R)value);
        this.what = what;
        this.deadline = NanoTime.now() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        this.cancel = cancel;
        this.knownCause = knownCause;
        this.failure = null;
    }

    private Pending(NodeUnavailableException failure)
    {
        this.future = null;
        this.result = null;
        this.what = null;
        this.deadline = 0;
        this.cancel = null;
        this.knownCause = null;
        this.failure = failure;
    }

    /** An operation that failed before it was sent (its node is known to be down). */
    public static <T> Pending<T> failed(NodeUnavailableException failure)
    {
        return new Pending<>(failure);
    }

    Pending<T> onFailure(Consumer<NodeUnavailableException> onFailure)
    {
        this.onFailure = onFailure;
        return this;
    }

    /** @return the answer, waiting at most until the operation's timeout (counted from when it was sent) */
    public T await() throws NodeUnavailableException
    {
        if (failure != null)
            throw failure;
        try
        {
            return result.apply(future.get(Math.max(0, NanoTime.until(deadline)), TimeUnit.NANOSECONDS));
        }
        catch (NodeUnavailableException x)
        {
            throw reported(x);
        }
        catch (TimeoutException x)
        {
            cancel.run();
            throw reported(what + ": no answer within the operation timeout");
        }
        catch (InterruptedException x)
        {
            Thread.currentThread().interrupt();
            cancel.run();
            throw reported(new NodeUnavailableException(what + ": interrupted"));
        }
        catch (ExecutionException | RuntimeException x)
        {
            Throwable cause = x instanceof ExecutionException && x.getCause() != null ? x.getCause() : x;
            throw reported(what + " failed: " + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : " " + cause.getMessage()));
        }
    }

    private NodeUnavailableException reported(String otherwise)
    {
        String cause = knownCause.get();
        return reported(new NodeUnavailableException(cause == null ? otherwise : what + ": " + cause));
    }

    private NodeUnavailableException reported(NodeUnavailableException x)
    {
        onFailure.accept(x);
        return x;
    }
}
