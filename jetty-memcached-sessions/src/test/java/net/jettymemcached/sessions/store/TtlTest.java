package net.jettymemcached.sessions.store;

import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.session.SessionData;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Spec 3.2: TTL = time to expiry + slack (≥ savePeriod), relative ≤ 30 days, absolute above, 0 when immortal. */
class TtlTest
{
    private static final long NOW = 1_700_000_000_123L;
    private static final long THIRTY_DAYS = 2_592_000L;

    private static SessionData data(long maxInactiveMs, long expiry)
    {
        SessionData data = new SessionData("node0abc123def456ghi-n1", "_ctx", "0.0.0.0", NOW - 1000, NOW - 500, NOW - 500, maxInactiveMs);
        data.setExpiry(expiry);
        return data;
    }

    @Test
    void constants()
    {
        assertEquals(THIRTY_DAYS, Ttl.MAX_RELATIVE_SECONDS);
        assertEquals(60, Ttl.MIN_SLACK_SECONDS);
    }

    @Test
    void immortalSessionIsZero()
    {
        assertEquals(0, Ttl.forSession(data(-1, 0), NOW, 0));
        assertEquals(0, Ttl.forSession(data(-1, 0), NOW, 30));
        assertEquals(0, Ttl.forSession(data(0, 0), NOW, 30));
        assertEquals(0, Ttl.forSession(data(-1000, 0), NOW, 30));
        // even if an expiry was somehow recorded, a session that never times out must never be evicted by TTL
        assertEquals(0, Ttl.forSession(data(-1, NOW + 10_000), NOW, 30));
    }

    @Test
    void normalSession()
    {
        long maxInactive = TimeUnit.MINUTES.toMillis(30);
        assertEquals(1800 + 60, Ttl.forSession(data(maxInactive, NOW + maxInactive), NOW, 0));
        assertEquals(1800 + 60 + 120, Ttl.forSession(data(maxInactive, NOW + maxInactive), NOW, 120));
    }

    @Test
    void slackIsAtLeastSavePeriod()
    {
        long maxInactive = TimeUnit.MINUTES.toMillis(30);
        for (int savePeriod : new int[]{0, 1, 59, 60, 61, 600, 3600})
        {
            int ttl = Ttl.forSession(data(maxInactive, NOW + maxInactive), NOW, savePeriod);
            assertTrue(ttl - 1800 >= savePeriod, "slack must cover savePeriod " + savePeriod + ": ttl " + ttl);
            assertTrue(ttl - 1800 >= 60, "minimum slack: ttl " + ttl);
        }
    }

    @Test
    void negativeSavePeriodCountsAsZero()
    {
        long maxInactive = TimeUnit.MINUTES.toMillis(30);
        assertEquals(1800 + 60, Ttl.forSession(data(maxInactive, NOW + maxInactive), NOW, -5));
    }

    @Test
    void remainingTimeIsRoundedUp()
    {
        long maxInactive = TimeUnit.MINUTES.toMillis(30);
        assertEquals(2 + 60, Ttl.forSession(data(maxInactive, NOW + 1500), NOW, 0));
        assertEquals(1 + 60, Ttl.forSession(data(maxInactive, NOW + 1), NOW, 0));
        assertEquals(1 + 60, Ttl.forSession(data(maxInactive, NOW + 1000), NOW, 0));
        assertEquals(2 + 60, Ttl.forSession(data(maxInactive, NOW + 1001), NOW, 0));
        assertEquals(1800 + 1 + 60 + 10, Ttl.forSession(data(maxInactive, NOW + maxInactive + 1), NOW, 10));
    }

    @Test
    void alreadyExpiredSessionGetsOnlyTheSlack()
    {
        long maxInactive = TimeUnit.MINUTES.toMillis(30);
        assertEquals(60, Ttl.forSession(data(maxInactive, NOW - 5000), NOW, 0));
        assertEquals(60 + 30, Ttl.forSession(data(maxInactive, NOW - 5000), NOW, 30));
        assertEquals(60 + 30, Ttl.forSession(data(maxInactive, NOW), NOW, 30));
        assertEquals(60 + 30, Ttl.forSession(data(maxInactive, NOW - TimeUnit.DAYS.toMillis(365)), NOW, 30));
    }

    @Test
    void thirtyDayBoundaryStaysRelative()
    {
        long remainingSec = THIRTY_DAYS - 60;
        SessionData data = data(TimeUnit.SECONDS.toMillis(remainingSec), NOW + TimeUnit.SECONDS.toMillis(remainingSec));
        assertEquals(THIRTY_DAYS, Ttl.forSession(data, NOW, 0));
    }

    @Test
    void aboveThirtyDaysIsAbsolute()
    {
        long remainingSec = THIRTY_DAYS - 59;
        SessionData data = data(TimeUnit.SECONDS.toMillis(remainingSec), NOW + TimeUnit.SECONDS.toMillis(remainingSec));
        int ttl = Ttl.forSession(data, NOW, 0);
        assertEquals(NOW / 1000 + THIRTY_DAYS + 1, ttl);

        long forty = TimeUnit.DAYS.toSeconds(40);
        SessionData longer = data(TimeUnit.DAYS.toMillis(40), NOW + TimeUnit.DAYS.toMillis(40));
        assertEquals(NOW / 1000 + forty + 60 + 300, Ttl.forSession(longer, NOW, 300));
    }

    @Test
    void savePeriodCanPushOverThirtyDays()
    {
        long remainingSec = THIRTY_DAYS - 100;
        SessionData data = data(TimeUnit.SECONDS.toMillis(remainingSec), NOW + TimeUnit.SECONDS.toMillis(remainingSec));
        assertEquals(THIRTY_DAYS - 40, Ttl.forSession(data, NOW, 0));
        assertEquals(NOW / 1000 + THIRTY_DAYS + 200, Ttl.forSession(data, NOW, 240));
    }

    @Test
    void toMemcachedRelativeAndAbsolute()
    {
        assertEquals(1, Ttl.toMemcached(1, NOW));
        assertEquals(3600, Ttl.toMemcached(3600, NOW));
        assertEquals(THIRTY_DAYS, Ttl.toMemcached(THIRTY_DAYS, NOW));
        assertEquals(NOW / 1000 + THIRTY_DAYS + 1, Ttl.toMemcached(THIRTY_DAYS + 1, NOW));
        long absolute = Ttl.toMemcached(TimeUnit.DAYS.toSeconds(365), NOW);
        assertEquals(NOW / 1000 + TimeUnit.DAYS.toSeconds(365), absolute);
        assertTrue(absolute > THIRTY_DAYS, "memcached reads values above 30 days as unix time");
    }

    @Test
    void toMemcachedAbsoluteIsInTheFuture()
    {
        // memcached treats an absolute time in the past as already expired
        for (long seconds : new long[]{THIRTY_DAYS + 1, THIRTY_DAYS * 2, TimeUnit.DAYS.toSeconds(3650)})
            assertTrue(Ttl.toMemcached(seconds, NOW) > NOW / 1000, "absolute expiry must lie in the future");
    }

    @Test
    void toMemcachedRejectsNonPositive()
    {
        assertThrows(IllegalArgumentException.class, () -> Ttl.toMemcached(0, NOW));
        assertThrows(IllegalArgumentException.class, () -> Ttl.toMemcached(-1, NOW));
        assertThrows(IllegalArgumentException.class, () -> Ttl.toMemcached(Long.MIN_VALUE, NOW));
    }

    @Test
    void aStoredValueOutlivesItsSessionByHalfTheMaxInactiveInterval()
    {
        long now = 1_700_000_000_000L;
        SessionData session = data(1_800_000, now + 1_800_000); // 30 min, just accessed
        assertEquals(1800 + 60 + 900, Ttl.forStoredValue(session, now, 0), "expiry + slack + half the interval");
        assertEquals(1800 + 60 + 900 + 30, Ttl.forStoredValue(session, now, 30));
        assertEquals(0, Ttl.forStoredValue(data(-1, 0), now, 30), "immortal");
    }
}
