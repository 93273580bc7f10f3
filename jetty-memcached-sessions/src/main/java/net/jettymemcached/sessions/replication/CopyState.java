package net.jettymemcached.sessions.replication;

/**
 * What one node holds for one copy of a session, as far as a read found out.
 *
 * @param version the copy's version when {@code kind} is {@link Kind#PRESENT}
 */
public record CopyState(Kind kind, CopyVersion version)
{
    public enum Kind
    {
        /** The node answered: no copy. */
        MISSING,
        /** The node did not answer (down, paused, failing). */
        UNREACHABLE,
        /** A copy or a tombstone. */
        PRESENT
    }

    public static final CopyState MISSING = new CopyState(Kind.MISSING, null);
    public static final CopyState UNREACHABLE = new CopyState(Kind.UNREACHABLE, null);

    public static CopyState present(CopyVersion version)
    {
        return new CopyState(Kind.PRESENT, version);
    }

    boolean isPresent()
    {
        return kind == Kind.PRESENT;
    }
}
