package net.jettymemcached.sessions.store;

import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.session.SessionData;

/**
 * memcached expiry times for session values. memcached reads an expiry up to 30 days as seconds from now and anything
 * larger as an absolute Unix time, and 0 as "never".
 */
public final class Ttl
{
    /** The largest relative expiry memcached accepts. */
    public static final long MAX_RELATIVE_SECONDS = TimeUnit.DAYS.toSeconds(30);

    /** Kept beyond the session's own expiry so another Jetty still finds an expired session and can expire it. */
    public static final long MIN_SLACK_SECONDS = 60;

    private Ttl()
    {
    }

    /**
     * @param savePeriodSec Jetty's save period: metadata-only changes may go unwritten that long, so the stored copy
     *                      must outlive its stored expiry by at least that much
     * @return the memcached expiry for this session's value: 0 for an immortal session
     */
    public static int forSession(SessionData data, long nowMs, int savePeriodSec)
    {
        if (data.getMaxInactiveMs() <= 0 || data.getExpiry() <= 0)
            return 0;
        long remainingSec = Math.max(0, ceilSeconds(data.getExpiry() - nowMs));
        long slack = MIN_SLACK_SECONDS + Math.max(0, savePeriodSec);
        return toMemcached(remainingSec + slack, nowMs);
    }

    /**
     * The expiry of a stored session value. Read-only requests only append access records, which move the session's
     * expiry without touching the value's memcached expiry, and a full write is forced after half the max inactive
     * interval; so the value must outlive its stored expiry by that half interval too.
     */
    public static int forStoredValue(SessionData data, long nowMs, int savePeriodSec)
    {
        return forSession(data, nowMs, savePeriodSec + (int)(Math.max(0, data.getMaxInactiveMs()) / 2000));
    }

    /** Converts seconds from now into memcached's expiry field (absolute Unix time beyond 30 days). */
    public static int toMemcached(long secondsFromNow, long nowMs)
    {
        if (secondsFromNow <= 0)
            throw new IllegalArgumentException("expiry must be in the future: " + secondsFromNow);
        if (secondsFromNow <= MAX_RELATIVE_SECONDS)
            return (int)secondsFromNow;
        long absolute = nowMs / 1000 + secondsFromNow;
        return (int)Math.min(absolute, Integer.MAX_VALUE);
    }

    private static long ceilSeconds(long ms)
    {
        return ms <= 0 ? 0 : (ms + 999) / 1000;
    }
}
