package net.jettymemcached.sessions.replication;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The version rules over every combination of (primary: newer / older / missing / tombstone / unreachable) ×
 * (backup: the same five), and with a second backup (the backup moved on while the first backup's node paused).
 */
class ReadPlanTest
{
    private static final CopyState NEWER = CopyState.present(CopyVersion.of(7, false));
    private static final CopyState OLDER = CopyState.present(CopyVersion.of(3, false));
    private static final CopyState TOMBSTONE = CopyState.present(CopyVersion.of(0, true));
    private static final CopyState MISSING = CopyState.MISSING;
    private static final CopyState UNREACHABLE = CopyState.UNREACHABLE;

    private enum Expect
    {
        PRIMARY, BACKUP, NONE, UNAVAILABLE
    }

    private record Case(CopyState primary, CopyState backup, Expect expect, boolean restore, String why)
    {
    }

    @Test
    void everyCombinationOfPrimaryAndBackup()
    {
        List<Case> cases = new ArrayList<>();
        // primary newer
        cases.add(new Case(NEWER, NEWER, Expect.PRIMARY, false, "equal copies: the primary (it holds the access records)"));
        cases.add(new Case(NEWER, OLDER, Expect.PRIMARY, false, "the newer primary"));
        cases.add(new Case(NEWER, MISSING, Expect.PRIMARY, false, "no backup"));
        cases.add(new Case(NEWER, TOMBSTONE, Expect.BACKUP, true, "a tombstone anywhere ends the session, and is copied to the primary"));
        cases.add(new Case(NEWER, UNREACHABLE, Expect.PRIMARY, false, "backup node down"));
        // primary older
        cases.add(new Case(OLDER, NEWER, Expect.BACKUP, true, "a newer backup wins and replaces the older primary"));
        cases.add(new Case(OLDER, OLDER, Expect.PRIMARY, false, "equal copies"));
        cases.add(new Case(OLDER, MISSING, Expect.PRIMARY, false, "the only copy"));
        cases.add(new Case(OLDER, TOMBSTONE, Expect.BACKUP, true, "tombstone wins"));
        cases.add(new Case(OLDER, UNREACHABLE, Expect.PRIMARY, false, "the only answer"));
        // primary missing (its node restarted empty)
        cases.add(new Case(MISSING, NEWER, Expect.BACKUP, true, "restore from the backup"));
        cases.add(new Case(MISSING, OLDER, Expect.BACKUP, true, "restore from the backup"));
        cases.add(new Case(MISSING, MISSING, Expect.NONE, false, "no session"));
        cases.add(new Case(MISSING, TOMBSTONE, Expect.BACKUP, true, "ended: the tombstone is copied back"));
        cases.add(new Case(MISSING, UNREACHABLE, Expect.NONE, false, "the primary answered: no session"));
        // primary tombstone
        cases.add(new Case(TOMBSTONE, NEWER, Expect.PRIMARY, false, "tombstone wins over any copy"));
        cases.add(new Case(TOMBSTONE, OLDER, Expect.PRIMARY, false, "tombstone wins"));
        cases.add(new Case(TOMBSTONE, MISSING, Expect.PRIMARY, false, "tombstone"));
        cases.add(new Case(TOMBSTONE, TOMBSTONE, Expect.PRIMARY, false, "tombstone"));
        cases.add(new Case(TOMBSTONE, UNREACHABLE, Expect.PRIMARY, false, "tombstone"));
        // primary unreachable (paused or dead: the session moves; a backup is still read)
        cases.add(new Case(UNREACHABLE, NEWER, Expect.BACKUP, false, "the backup, never restored to a node that did not answer"));
        cases.add(new Case(UNREACHABLE, OLDER, Expect.BACKUP, false, "the backup"));
        cases.add(new Case(UNREACHABLE, MISSING, Expect.NONE, false, "a node answered: no session"));
        cases.add(new Case(UNREACHABLE, TOMBSTONE, Expect.BACKUP, false, "ended"));
        cases.add(new Case(UNREACHABLE, UNREACHABLE, Expect.UNAVAILABLE, false, "nobody answered: a failure, not 'no session'"));
        assertEquals(25, cases.size());

        for (Case c : cases)
        {
            ReadPlan plan = ReadPlan.choose(c.primary(), List.of(c.backup()));
            String what = c.primary() + " × " + c.backup() + ": " + c.why();
            Expect actual = plan.unavailable() ? Expect.UNAVAILABLE : !plan.found() ? Expect.NONE : plan.source() == ReadPlan.PRIMARY ? Expect.PRIMARY : Expect.BACKUP;
            assertEquals(c.expect(), actual, what);
            assertEquals(c.restore(), plan.restorePrimary(), what + " (restore)");
        }
    }

    @Test
    void anOldBackupOnANodeThatCameBackLosesToTheNewerOneFurtherOn()
    {
        ReadPlan plan = ReadPlan.choose(MISSING, List.of(OLDER, NEWER));
        assertEquals(2, plan.source());
        assertTrue(plan.restorePrimary());
        plan = ReadPlan.choose(MISSING, List.of(NEWER, OLDER));
        assertEquals(1, plan.source());
    }

    @Test
    void aTombstoneOnAnyBackupEndsTheSession()
    {
        ReadPlan plan = ReadPlan.choose(NEWER, List.of(OLDER, TOMBSTONE));
        assertEquals(2, plan.source());
        plan = ReadPlan.choose(UNREACHABLE, List.of(UNREACHABLE, TOMBSTONE));
        assertEquals(2, plan.source());
        assertFalse(plan.restorePrimary());
    }

    @Test
    void aMoveBeatsTheCopyItMovedButNotALaterCopyOfASessionThatCameBack()
    {
        CopyState moved = CopyState.present(CopyVersion.movedAt(7));
        assertEquals(1, ReadPlan.choose(NEWER, List.of(moved)).source(), "the move carries the generation of the copy it moved");
        assertEquals(1, ReadPlan.choose(OLDER, List.of(moved)).source(), "a stale copy on a node that was paused");
        CopyState cameBack = CopyState.present(CopyVersion.of(9, false));
        assertEquals(ReadPlan.PRIMARY, ReadPlan.choose(cameBack, List.of(moved)).source(), "the session moved back to this id later");
        assertEquals(1, ReadPlan.choose(cameBack, List.of(TOMBSTONE)).source(), "but an ended session stays ended");
        assertTrue(CopyVersion.movedAt(7).isNewerThan(CopyVersion.of(7, false)));
        assertFalse(CopyVersion.movedAt(7).isNewerThan(CopyVersion.of(8, false)));
        assertTrue(CopyVersion.of(0, true).isNewerThan(CopyVersion.movedAt(100)));
        assertEquals(CopyVersion.movedAt(12), CopyVersion.ofFlags(CopyVersion.movedAt(12).flags()));
    }

    @Test
    void versionsOrderTombstonesFirstThenGenerations()
    {
        assertTrue(CopyVersion.of(0, true).isNewerThan(CopyVersion.of(1_000_000, false)));
        assertTrue(CopyVersion.of(8, false).isNewerThan(CopyVersion.of(7, false)));
        assertFalse(CopyVersion.of(7, false).isNewerThan(CopyVersion.of(7, false)));
        assertEquals(CopyVersion.of(5, true), CopyVersion.ofFlags(CopyVersion.of(5, true).flags()));
        assertTrue(CopyVersion.of(5, true).flags() > 0, "flags stay positive (text protocol parses them as a signed int)");
    }
}
