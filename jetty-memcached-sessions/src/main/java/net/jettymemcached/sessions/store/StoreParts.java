package net.jettymemcached.sessions.store;

import java.time.Duration;
import java.time.InstantSource;

import net.jettymemcached.sessions.format.SessionEnvelope;
import net.jettymemcached.sessions.id.SessionIdFormat;
import net.jettymemcached.sessions.replication.AsyncSessionWriter;
import net.jettymemcached.sessions.replication.SessionReplicas;
import net.jettymemcached.sessions.stats.MemcachedSessionStatistics;

/**
 * What every context's store shares, made once by the cluster: the id format, the stored-value format, the replicas
 * and the asynchronous writer, the counters, and the settings a store reads.
 *
 * @param writeAsync       true when writes go through {@code writer} ({@code backupAsync} in sticky mode)
 * @param operationTimeout longest wait of one memcached operation (a delete waits twice that for a running write)
 */
public record StoreParts(SessionIdFormat ids, SessionEnvelope envelope, SessionReplicas replicas, AsyncSessionWriter writer,
                         MemcachedSessionStatistics statistics, String keyPrefix, boolean sticky, boolean writeAsync,
                         Duration operationTimeout, InstantSource clock)
{
}
