package net.jettymemcached.sessions.store;

import net.jettymemcached.sessions.format.AccessRecord;

/**
 * What the stored value of a session holds, as far as this Jetty knows: the digest of its attribute bytes, when they
 * were last written in full, the access record written last and how many records were appended since.
 */
record StoredState(byte[] digest, long lastFullWrite, AccessRecord lastRecord, int appendedRecords)
{
    StoredState withAppended(AccessRecord record)
    {
        return new StoredState(digest, lastFullWrite, record, appendedRecords + 1);
    }
}
