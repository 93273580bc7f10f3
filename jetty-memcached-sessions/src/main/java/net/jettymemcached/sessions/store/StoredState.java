package net.jettymemcached.sessions.store;

import net.jettymemcached.sessions.format.AccessRecord;

/**
 * What the stored value of a session holds, as far as this Jetty knows: the attributes as last encoded (see
 * {@link AttributeChanges}), written in full at {@code lastFullWrite}, the access record written last and how many
 * records were appended since.
 */
record StoredState(long lastFullWrite, AccessRecord lastRecord, int appendedRecords)
{
    StoredState withAppended(AccessRecord record)
    {
        return new StoredState(lastFullWrite, record, appendedRecords + 1);
    }
}
