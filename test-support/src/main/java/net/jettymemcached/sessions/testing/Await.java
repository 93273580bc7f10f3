package net.jettymemcached.sessions.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits for something a test can observe (a write landing in memcached, a node seen down or up, a process state)
 * instead of sleeping a fixed time: the condition is polled, first after 1 ms and then with a pause that doubles up
 * to 100 ms, until it holds or the timeout has passed. The condition is always evaluated at least once, and once
 * more when the timeout has passed. Exceptions thrown by the condition are not caught: they end the wait.
 */
public final class Await {

    private static final long FIRST_PAUSE_MS = 1;
    private static final long MAX_PAUSE_MS = 100;

    private Await() {
    }

    /**
     * Returns as soon as {@code condition} holds.
     *
     * @param what what is awaited, for the failure message, e.g. {@code "node n2 seen down"}
     * @throws AssertionError naming {@code what} if the condition does not hold within {@code timeout}
     */
    public static void await(String what, BooleanSupplier condition, Duration timeout) {
        if (!poll(condition, timeout, what)) {
            throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
        }
    }

    /**
     * Returns the first value of {@code value} that {@code accepted} accepts.
     *
     * @throws AssertionError naming {@code what} and the last value seen if none is accepted within {@code timeout}
     */
    public static <T> T await(String what, Supplier<T> value, Predicate<? super T> accepted, Duration timeout) {
        Object[] last = new Object[1];
        boolean done = poll(() -> {
            T current = value.get();
            last[0] = current;
            return accepted.test(current);
        }, timeout, what);
        if (!done) {
            throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what
                    + "; last value: " + last[0]);
        }
        @SuppressWarnings("unchecked")
        T result = (T) last[0];
        return result;
    }

    /**
     * For fixtures that handle a timeout themselves: polls like {@link #await(String, BooleanSupplier, Duration)}.
     *
     * @return whether {@code condition} held within {@code timeout}
     */
    public static boolean until(BooleanSupplier condition, Duration timeout) {
        return poll(condition, timeout, "a condition");
    }

    private static boolean poll(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = FIRST_PAUSE_MS;
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            long remainingNanos = deadline - System.nanoTime();
            if (remainingNanos <= 0) {
                return false;
            }
            try {
                // Rounded up, so that the last evaluation happens once the timeout has passed.
                Thread.sleep(Math.min(pause, (remainingNanos + 999_999) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            }
            pause = Math.min(pause * 2, MAX_PAUSE_MS);
        }
    }
}
