package net.jettymemcached.sessions.store;

import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;

import net.jettymemcached.sessions.bench.CodecBenchmark;
import net.jettymemcached.sessions.format.AccessRecord;
import net.jettymemcached.sessions.format.AttributeCodecs;
import net.jettymemcached.sessions.format.SessionEnvelope;
import net.jettymemcached.sessions.id.SessionId;
import net.jettymemcached.sessions.id.SessionIdFormat;
import net.jettymemcached.sessions.memcached.MemcachedAccess;
import net.jettymemcached.sessions.memcached.NodeClients;
import net.jettymemcached.sessions.memcached.Protocol;
import net.jettymemcached.sessions.node.NodeHealth;
import net.jettymemcached.sessions.node.NodeList;
import net.jettymemcached.sessions.replication.CopyVersion;
import net.jettymemcached.sessions.replication.Forwards;
import net.jettymemcached.sessions.replication.PendingTombstones;
import net.jettymemcached.sessions.replication.Placement;
import net.jettymemcached.sessions.replication.SessionReplicas;
import net.jettymemcached.sessions.security.DeserializationFilters;
import net.jettymemcached.sessions.stats.MemcachedSessionStatistics;
import net.jettymemcached.sessions.stats.ThrottledLog;
import org.eclipse.jetty.session.SessionData;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.slf4j.LoggerFactory;

/**
 * The end-of-request decision for an unchanged session (issue 12's JMH target): a loaded 10 KB realistic session
 * ({@link net.jettymemcached.sessions.bench.RealisticSession}, protostuff), one attribute read by the request, then the
 * store Jetty makes at the request's end ({@code SessionWrites.store}), which decides to write nothing. {@code read}
 * is the attribute read: {@code csrfToken} (a string) or {@code cart} (a mutable object, encoded and compared);
 * {@code tracking=false} is {@code trackTouchedAttributes=false} (every attribute encoded and compared, as before
 * change tracking). No memcached is involved: the decision sends nothing (checked at set-up).
 * <p>
 * In the store's package because the writes are package-private. Not a test: run
 * {@code java -cp <test classpath, see LoadBenchmark> net.jettymemcached.sessions.store.EndOfRequestBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EndOfRequestBenchmark
{
    @Param({"csrfToken", "cart"})
    public String read;

    @Param({"true", "false"})
    public boolean tracking;

    private SessionWrites writes;
    private MemcachedSessionData data;
    private SessionId id;
    private SessionKeys keys;
    private long lastSave;
    private MemcachedSessionStatistics statistics;

    @Setup
    public void setUp() throws Exception
    {
        NodeList nodes = NodeList.parse("n1:127.0.0.1:1 n2:127.0.0.1:2", "");
        NodeHealth health = new NodeHealth(nodes, node -> false, Duration.ofSeconds(1), Duration.ZERO);
        MemcachedAccess access = new MemcachedAccess(new NodeClients(nodes, Duration.ofSeconds(1), Protocol.TEXT), health);
        statistics = new MemcachedSessionStatistics();
        SessionReplicas replicas = new SessionReplicas(access, new Placement(nodes, health), statistics, new PendingTombstones(access, InstantSource.system()));
        SessionEnvelope envelope = new SessionEnvelope(AttributeCodecs.of("protostuff", DeserializationFilters.parse(null)),
            SessionEnvelope.DEFAULT_COMPRESSION_THRESHOLD, SessionEnvelope.MAX_SESSION_SIZE, null);
        StoreParts parts = new StoreParts(new SessionIdFormat(nodes), envelope, replicas, null, null, statistics, "", true, false,
            Duration.ofSeconds(1), Duration.ofSeconds(1), new Forwards(), InstantSource.system(), tracking);
        writes = new SessionWrites(parts, new WritePolicy(false), new ThrottledLog(LoggerFactory.getLogger(getClass()), 10, TimeUnit.SECONDS));

        long now = System.currentTimeMillis();
        SessionData session = CodecBenchmark.sized(10 * 1024);
        String sessionId = "abcdefghijklmnopq-n1";
        MemcachedSessionData written = new MemcachedSessionData(sessionId, "_", "0.0.0.0", now, now, now, 1_800_000);
        written.putAllAttributes(session.getAllAttributes());
        byte[] value = envelope.encode(written, 1);
        // As SessionLoads loads it.
        data = new MemcachedSessionData(sessionId, "_", "0.0.0.0", 0, 0, 0, 0);
        SessionEnvelope.Decoded decoded = envelope.decodeWithAttributes(value, data);
        AttributeChanges.loaded(data, decoded.attributes());
        data.storedInFull(now, AccessRecord.of(data, 1), 0);
        data.loaded(CopyVersion.of(1, false), 1, new net.jettymemcached.sessions.replication.KnownCas(), now);
        data.setLastSaved(now);
        lastSave = now;
        id = parts.ids().parse(sessionId);
        keys = new SessionKeys("", "_", "0.0.0.0");
        System.out.println("\nsession: " + value.length + " bytes stored, " + data.getKeys().size() + " attributes");
        long skipped = statistics.getSkippedWrites();
        endOfRequest();
        if (statistics.getSkippedWrites() != skipped + 1)
            throw new IllegalStateException("the decision must be to write nothing");
    }

    @Benchmark
    public int endOfRequest() throws Exception
    {
        data.getAttribute(read);
        return writes.store(WritePolicy.Trigger.STORE, id, keys, data, lastSave, 0);
    }

    public static void main(String[] args) throws Exception
    {
        OptionsBuilder options = new OptionsBuilder();
        options.include(EndOfRequestBenchmark.class.getName());
        if (args.length > 0)
            options.jvmArgsAppend(args);
        new Runner(options.build()).run();
    }
}
