package net.jettymemcached.sessions.store;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which classes a read attribute is never re-encoded for. */
class ImmutableTypesTest
{
    record Money(BigDecimal amount, String currency)
    {
    }

    record Price(long cents, String currency, TimeUnit unit, LocalDate since)
    {
    }

    record Linked(String name, Linked next)
    {
    }

    record Basket(List<String> items)
    {
    }

    record Counter(AtomicInteger value)
    {
    }

    static final class Point
    {
        final int x;
        final int y;
        transient int cachedHash;

        Point(int x, int y)
        {
            this.x = x;
            this.y = y;
        }
    }

    static final class Movable
    {
        int x;
    }

    static class Open
    {
        final int x = 1;
    }

    @Test
    void valueTypesOfTheJdkAreImmutable()
    {
        for (Object value : List.of("s", 1, 2L, 3.0, true, 'c', (byte)1, (short)2, 1.5f, BigDecimal.ONE, LocalDate.now(),
            ZonedDateTime.now(ZoneId.of("Europe/Paris")), TimeUnit.SECONDS, java.util.UUID.randomUUID()))
            assertTrue(ImmutableTypes.isImmutable(value.getClass()), value.getClass().getName());
    }

    @Test
    void recordsAndFinalClassesOfImmutableFinalFieldsAreImmutable()
    {
        assertTrue(ImmutableTypes.isImmutable(Price.class));
        assertTrue(ImmutableTypes.isImmutable(Linked.class), "a record referring to its own type");
        assertTrue(ImmutableTypes.isImmutable(Point.class), "transient fields are not stored");
    }

    @Test
    void mutableOrOpenTypesAreNot()
    {
        assertFalse(ImmutableTypes.isImmutable(ArrayList.class));
        assertFalse(ImmutableTypes.isImmutable(byte[].class));
        assertFalse(ImmutableTypes.isImmutable(String[].class));
        assertFalse(ImmutableTypes.isImmutable(Basket.class), "a list field");
        assertFalse(ImmutableTypes.isImmutable(Counter.class), "a mutable field type");
        assertFalse(ImmutableTypes.isImmutable(Money.class), "BigDecimal can be subclassed: a field of it may hold a mutable one");
        assertFalse(ImmutableTypes.isImmutable(Movable.class), "a field that is not final");
        assertFalse(ImmutableTypes.isImmutable(Open.class), "a class that is not final");
        assertFalse(ImmutableTypes.isImmutable(List.of("a").getClass()), "an unmodifiable list may hold mutable values");
    }
}
