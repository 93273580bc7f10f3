package net.jettymemcached.sessions.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class AwaitTest {

    @Test
    void returnsAsSoonAsTheConditionHolds() {
        AtomicInteger calls = new AtomicInteger();
        Await.await("the third call", () -> calls.incrementAndGet() >= 3, Duration.ofSeconds(10));
        assertEquals(3, calls.get());
    }

    @Test
    void aConditionThatHoldsAtOnceIsEvaluatedOnce() {
        AtomicInteger calls = new AtomicInteger();
        Await.await("anything", () -> calls.incrementAndGet() > 0, Duration.ZERO);
        assertEquals(1, calls.get());
    }

    @Test
    void aTimeoutNamesWhatWasAwaitedAndComesAfterTheTimeout() {
        AtomicInteger calls = new AtomicInteger();
        long start = System.nanoTime();
        AssertionError e = assertThrows(AssertionError.class,
            () -> Await.await("node n2 seen down", () -> calls.incrementAndGet() < 0, Duration.ofMillis(200)));
        assertTrue(System.nanoTime() - start >= 200_000_000L, "waited the whole timeout");
        assertTrue(e.getMessage().contains("node n2 seen down"), e.getMessage());
        assertTrue(e.getMessage().contains("200 ms"), e.getMessage());
        assertTrue(calls.get() >= 2, "polled more than once: " + calls.get());
        assertTrue(calls.get() < 200, "backs off instead of spinning: " + calls.get());
    }

    @Test
    void theValueVariantReturnsTheAcceptedValueOrNamesTheLastOne() {
        AtomicInteger counter = new AtomicInteger();
        assertEquals(4, Await.await("a value of 4", counter::incrementAndGet, v -> v == 4, Duration.ofSeconds(10)));

        AssertionError e = assertThrows(AssertionError.class,
            () -> Await.await("an empty list", () -> "[n1:key]", String::isEmpty, Duration.ofMillis(50)));
        assertTrue(e.getMessage().contains("an empty list"), e.getMessage());
        assertTrue(e.getMessage().contains("last value: [n1:key]"), e.getMessage());
    }

    @Test
    void exceptionsOfTheConditionEndTheWait() {
        IllegalStateException thrown = new IllegalStateException("Jetty exited");
        assertSame(thrown, assertThrows(IllegalStateException.class, () -> Await.await("Jetty started", () -> {
            throw thrown;
        }, Duration.ofSeconds(10))));
    }

    @Test
    void untilReportsATimeoutWithoutThrowing() {
        assertFalse(Await.until(() -> false, Duration.ofMillis(20)));
        assertTrue(Await.until(() -> true, Duration.ZERO));
    }

    @Test
    void anInterruptedWaitFailsAndKeepsTheInterrupt() {
        Thread.currentThread().interrupt();
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Await.await("nothing", () -> false, Duration.ofSeconds(10)));
            assertTrue(e.getMessage().contains("nothing"), e.getMessage());
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }
}
