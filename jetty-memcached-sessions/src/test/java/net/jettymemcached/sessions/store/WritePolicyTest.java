package net.jettymemcached.sessions.store;

import java.time.Duration;
import java.util.stream.Stream;

import net.jettymemcached.sessions.format.AccessRecord;
import net.jettymemcached.sessions.store.WritePolicy.Trigger;
import net.jettymemcached.sessions.store.WritePolicy.Write;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The write policy's whole table, without memcached: what a store sends for each state of a session. */
class WritePolicyTest
{
    private static final long NOW = 1_000_000_000L;
    private static final long MINUTE = 60_000;
    /** A session with a 30-minute max inactive interval. */
    private static final long MAX_INACTIVE = 30 * MINUTE;

    private static AccessRecord access(long accessedAt)
    {
        return new AccessRecord(0, accessedAt, accessedAt, accessedAt, accessedAt + MAX_INACTIVE, MAX_INACTIVE);
    }

    /** Stored in full {@code sinceFullWrite} ago, last access record written {@code sinceRecord} ago. */
    private static StoredState stored(long sinceFullWrite, long sinceRecord, int records)
    {
        return new StoredState(NOW - sinceFullWrite, access(NOW - sinceRecord), records);
    }

    // shouldEncode: trigger, dirty, metaDataDirty, lastSaved (ago; -1 = never), unsaved, encodeAtEveryCommit, savePeriod (s), expected
    static Stream<Arguments> gate()
    {
        return Stream.of(
            arguments(Trigger.STORE, true, false, 10_000L, false, false, 0, true),          // attribute set
            arguments(Trigger.STORE, false, false, -1L, false, false, 0, true),             // never saved
            arguments(Trigger.STORE, false, false, 10_000L, true, false, 60, true),         // last write failed
            arguments(Trigger.STORE, false, true, 10_000L, false, false, 0, true),          // access times, no save period
            arguments(Trigger.STORE, false, true, 10_000L, false, false, 60, false),        // within the save period
            arguments(Trigger.STORE, false, true, 60_000L, false, false, 60, true),         // save period passed
            arguments(Trigger.STORE, false, false, 10_000L, false, false, 0, false),        // nothing changed at all
            arguments(Trigger.RESPONSE_COMMIT, false, true, 10_000L, false, false, 0, false), // sticky commit: only if dirty
            arguments(Trigger.RESPONSE_COMMIT, true, false, 10_000L, false, false, 0, true),
            arguments(Trigger.RESPONSE_COMMIT, false, false, 10_000L, false, true, 60, true), // non-sticky commit: always compare
            arguments(Trigger.RESPONSE_COMMIT, false, false, -1L, false, false, 0, true)
        );
    }

    @ParameterizedTest
    @MethodSource
    void gate(Trigger trigger, boolean dirty, boolean metaDataDirty, long savedAgo, boolean unsaved, boolean everyCommit, int savePeriodSec, boolean expected)
    {
        WritePolicy policy = new WritePolicy(everyCommit);
        long lastSaved = savedAgo < 0 ? 0 : NOW - savedAgo;
        assertEquals(expected, policy.shouldEncode(trigger, dirty, metaDataDirty, lastSaved, unsaved, Duration.ofSeconds(savePeriodSec), NOW));
    }

    // decide: stored state, attributes changed, accessed (ago), lastSaveTime (ago; -1 = never), unsaved, expected write, expected changed
    static Stream<Arguments> decisions()
    {
        StoredState fresh = stored(MINUTE, MINUTE, 0);
        return Stream.of(
            arguments("unknown stored state", null, false, 0L, MINUTE, false, Write.FULL, true),
            arguments("attributes changed", fresh, true, 0L, MINUTE, false, Write.FULL, true),
            arguments("never saved", fresh, false, 0L, -1L, false, Write.FULL, false),
            arguments("last write failed", fresh, false, 0L, MINUTE, true, Write.FULL, false),
            arguments("64 records appended", stored(MINUTE, MINUTE, WritePolicy.MAX_RECORDS), false, 0L, MINUTE, false, Write.FULL, false),
            arguments("half the interval since the full write", stored(MAX_INACTIVE / 2, MINUTE, 3), false, 0L, MINUTE, false, Write.FULL, false),
            arguments("expiry moved by 1 %", fresh, false, 0L, MINUTE, false, Write.ACCESS_RECORD, false),
            arguments("expiry moved by less than 1 %", stored(MINUTE, MAX_INACTIVE / 100 - 1, 0), false, 0L, MINUTE, false, Write.NOTHING, false),
            arguments("same access as stored", stored(MINUTE, 0, 0), false, 0L, MINUTE, false, Write.NOTHING, false)
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void decisions(String situation, StoredState stored, boolean attributesChanged, long accessedAgo, long savedAgo, boolean unsaved, Write write, boolean changed)
    {
        WritePolicy policy = new WritePolicy(false);
        WritePolicy.Decision decision = policy.decide(stored, attributesChanged, access(NOW - accessedAgo), savedAgo < 0 ? 0 : NOW - savedAgo, unsaved, NOW);
        assertEquals(write, decision.write(), situation);
        assertEquals(changed, decision.attributesChanged(), situation);
    }

    @Test
    void aChangedMaxInactiveIntervalIsWrittenInFull()
    {
        WritePolicy policy = new WritePolicy(false);
        AccessRecord longer = new AccessRecord(0, NOW, NOW, NOW, NOW + 2 * MAX_INACTIVE, 2 * MAX_INACTIVE);
        assertEquals(Write.FULL, policy.decide(stored(MINUTE, MINUTE, 0), false, longer, NOW - MINUTE, false, NOW).write());
    }

    /** Its expiry never moves, so neither time nor access makes it write. */
    @Test
    void anImmortalSessionIsNotRewrittenByTime()
    {
        WritePolicy policy = new WritePolicy(false);
        AccessRecord immortalBefore = new AccessRecord(0, 0, 0, 0, 0, -1);
        AccessRecord immortalNow = new AccessRecord(0, NOW, NOW, NOW, 0, -1);
        StoredState old = new StoredState(0, immortalBefore, 0);
        assertEquals(Write.NOTHING, policy.decide(old, false, immortalNow, NOW - MINUTE, false, NOW).write());
    }

    /** What {@code lockingMode=auto} learns from: a change at commit is not hidden by an unchanged store at the end. */
    @Test
    void theStoreOutcomeOfARequestKeepsAChange()
    {
        MemcachedSessionData data = new MemcachedSessionData("id-n1", "_", "0.0.0.0", NOW, NOW, NOW, MAX_INACTIVE);
        assertNull(data.storeOutcome(), "never stored: nothing to learn");
        data.recordOutcome(false);
        assertFalse(data.storeOutcome());
        data.recordOutcome(true);
        data.recordOutcome(false);
        assertTrue(data.storeOutcome());
    }
}
