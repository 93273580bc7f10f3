package net.jettymemcached.sessions.store;

import java.time.Duration;
import java.time.InstantSource;

import net.jettymemcached.sessions.format.SessionEnvelope;
import net.jettymemcached.sessions.id.SessionIdFormat;
import net.jettymemcached.sessions.replication.AsyncSessionWriter;
import net.jettymemcached.sessions.replication.Forwards;
import net.jettymemcached.sessions.replication.SessionReplicas;
import net.jettymemcached.sessions.stats.MemcachedSessionStatistics;

/**
 * What every context's store shares, made once by the cluster: the id format, the stored-value format, the replicas
 * and the asynchronous writer, the counters, and the settings a store reads.
 *
 * @param writeAsync       true when writes go through {@code writer} ({@code backupAsync} in sticky mode), and
 *                         their backups through {@code backupWriter}
 * @param operationTimeout longest wait of one memcached operation (a delete waits twice that for a running write)
 * @param stickyRevalidate how long a sticky Jetty serves its cached copy without confirming it current; zero: every
 *                         request; negative: never (the cookie's worker suffix decides)
 * @param forwards         where moved sessions went, learned from their tombstones
 * @param trackTouchedAttributes whether only touched attributes are checked for changes ({@link AttributeChanges})
 */
public record StoreParts(SessionIdFormat ids, SessionEnvelope envelope, SessionReplicas replicas, AsyncSessionWriter writer, AsyncSessionWriter backupWriter,
                         MemcachedSessionStatistics statistics, String keyPrefix, boolean sticky, boolean writeAsync,
                         Duration operationTimeout, Duration stickyRevalidate, Forwards forwards, InstantSource clock,
                         boolean trackTouchedAttributes)
{
}
