package net.jettymemcached.sessions.format;

/**
 * What stays of a session that ended or moved: it stops a late write, a restore or a node that comes back with an
 * old copy from bringing the session back.
 *
 * @param movedTo the id the session moved to (its node died), or null if it ended (invalidated, or its id changed at
 *                login: the old id must never lead to the session again)
 */
public record Tombstone(String movedTo)
{
}
