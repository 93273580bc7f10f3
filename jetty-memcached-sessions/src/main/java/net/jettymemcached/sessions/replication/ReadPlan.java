package net.jettymemcached.sessions.replication;

import java.util.List;

/**
 * Which copy of a session a read uses, of the primary and the backups found on the nodes after it: the one rule of
 * which copy is current (spec §3.10), pure so that every combination is unit-tested.
 * <ul>
 * <li>a tombstone on any node wins: the session ended or moved, whatever older copies other nodes still hold (a node
 * that was paused or unreachable while it ended comes back with one);</li>
 * <li>otherwise the copy with the highest generation wins, the primary on a tie (it also holds the access records);</li>
 * <li>the primary is restored from a newer backup (or tombstone) only if its node answered (missing or older copy): a primary that
 * did not answer is the relocation's business;</li>
 * <li>no copy and no node answered: the read failed (the caller must not take that for "no session").</li>
 * </ul>
 *
 * @param source         index of the copy to use: 0 the primary, 1.. the backups in the order given; -1 none
 * @param restorePrimary true if the chosen backup must be copied back to the primary
 * @param unavailable    true if no copy was found and no node answered
 */
public record ReadPlan(int source, boolean restorePrimary, boolean unavailable)
{
    public static final int PRIMARY = 0;
    public static final int NONE = -1;

    public static ReadPlan choose(CopyState primary, List<CopyState> backups)
    {
        int best = primary.isPresent() ? PRIMARY : NONE;
        CopyVersion bestVersion = primary.isPresent() ? primary.version() : null;
        boolean anyAnswered = primary.kind() != CopyState.Kind.UNREACHABLE;
        for (int i = 0; i < backups.size(); i++)
        {
            CopyState backup = backups.get(i);
            anyAnswered |= backup.kind() != CopyState.Kind.UNREACHABLE;
            if (backup.isPresent() && (bestVersion == null || backup.version().isNewerThan(bestVersion)))
            {
                best = i + 1;
                bestVersion = backup.version();
            }
        }
        if (best == NONE)
            return new ReadPlan(NONE, false, !anyAnswered);
        boolean restore = best != PRIMARY && primary.kind() != CopyState.Kind.UNREACHABLE;
        return new ReadPlan(best, restore, false);
    }

    public boolean found()
    {
        return source != NONE;
    }
}
