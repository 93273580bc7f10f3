package net.jettymemcached.sessions.lock;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import net.jettymemcached.sessions.stats.MemcachedSessionStatistics;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What {@code lockingMode=auto} remembers, through the entry point every request ends in: never more paths than its
 * cap, whatever the traffic (random paths, one cookie), and nothing from 404s, errors or requests without a session.
 */
class RequestLockingTest
{
    private static RequestLocking auto(int maxPaths)
    {
        SessionLocks locks = new SessionLocks(null, null, Duration.ofSeconds(30), Duration.ofSeconds(2), new MemcachedSessionStatistics());
        return new RequestLocking(locks, new LockRenewal(locks), LockingMode.parse("auto"), LockTimeoutAction.PROCEED, Duration.ofSeconds(2),
            new MemcachedSessionStatistics(), maxPaths);
    }

    @Test
    void aHundredThousandRandomPathsLeaveTheLearnedSetAtItsCap()
    {
        RequestLocking locking = auto(10_000);
        for (int i = 0; i < 100_000; i++)
            locking.finished("/search/" + UUID.randomUUID(), i % 2 == 0, 200, List.of());
        assertEquals(10_000, locking.getReadOnlyPaths());
    }

    @Test
    void notFoundErrorsAndRequestsWithoutASessionTeachNothing()
    {
        RequestLocking locking = auto(100);
        locking.finished("/missing", false, 404, List.of());
        locking.finished("/failing", false, 500, List.of());
        locking.finished("/no-response", false, 0, List.of());
        locking.finished("/no-session", null, 200, List.of());
        assertEquals(0, locking.getReadOnlyPaths());
        locking.finished("/catalog", false, 200, List.of());
        locking.finished("/moved", false, 302, List.of());
        assertEquals(2, locking.getReadOnlyPaths());
    }
}
