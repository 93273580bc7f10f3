package net.jettymemcached.sessions.format;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import net.jettymemcached.sessions.codec.JavaAttributeCodec;
import net.jettymemcached.sessions.codec.TextAttributeCodec;
import net.jettymemcached.sessions.codec.protostuff.ProtostuffAttributeCodec;
import net.jettymemcached.sessions.security.Signer;
import net.jettymemcached.sessions.store.MemcachedSessionData;
import org.eclipse.jetty.session.SessionData;
import org.junit.jupiter.api.Test;

import static net.jettymemcached.sessions.format.FuzzCorpus.*;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes what a load does with the bytes memcached returns: {@link StoredValue#parse} then
 * {@link SessionEnvelope#decodeWithAttributes} then the latest {@link AccessRecord}, exactly the steps of
 * {@code store.SessionLoads.decode} (which is private and needs a cluster around it; these are the public calls it
 * makes on the bytes, in its order). Every input must either decode to what was stored or be reported unreadable
 * with {@link UnreadableEnvelopeException}; anything else thrown, an {@link Error} behind an unreadable (other than
 * the stack overflow the envelope documents catching), a decode allocating absurdly, a slow or hanging decode, or the
 * heap growing over the run is a failure.
 * <p>
 * The corpus ({@link FuzzCorpus}) is real stored values (several sessions, both codecs, compressed or not, signed or
 * not, version 2 and 3, tombstones, 0 to 3 access records, some of an older generation). Each input is made from one of them by a
 * seeded in-house {@link Mutator}; input {@code i} depends only on the seed and {@code i}, so a failure replays with
 * {@code -Dfuzz.seed=S -Dfuzz.input=i}. What a decode may return depends on how the input was made:
 * <ul>
 * <li>bytes changed as corruption would change them (checksums left as they were): only what was stored, that is
 *     the session's attributes, metadata and generation, with the access state of the envelope or of one of its
 *     stored records, or unreadable;</li>
 * <li>bytes changed as a forger who knows the format would (checksum, and signature with the key, recomputed): any
 *     session of the right id and context, or unreadable; a forged access record may change only the access
 *     state.</li>
 * </ul>
 * Bounded by {@code fuzz.inputs} (default 200,000) and {@code fuzz.seconds} (default 60), whichever comes first.
 * Other settings: {@code fuzz.seed}, {@code fuzz.input} (replay one input), {@code fuzz.hex} with
 * {@code fuzz.config} (replay a stored value in hex), {@code fuzz.attribute} with {@code fuzz.config} and
 * {@code fuzz.codec} (default 2, protostuff: one attribute's bytes in hex, in a session of the corpus), {@code fuzz.maxAllocMb} (64), {@code fuzz.maxHeapGrowthMb}
 * (64), {@code fuzz.slowMillis} (5000), {@code fuzz.hangSeconds} (30). The first {@value #MAX_KINDS} distinct
 * failure kinds are reported, each with its shortest input. With {@code fuzz.seconds=0} the run is bounded by the
 * count alone, and the inputs are exactly those of the seed; a decode that changes what a later one gives (a class
 * left uninitializable) makes outcomes depend on order, which is why a value refused for its classes is decoded
 * twice and a replay decodes its input twice.
 */
class StoredValueFuzzTest
{
    private static final int MAX_KINDS = 10;
    private static final int MiB = 1 << 20;
    private static final HexFormat HEX = HexFormat.of();
    private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    /** How an input was made, and so what its decode may return. */
    enum Family
    {
        UNMUTATED(2), RANDOM_BYTES(3), RAW_VALUE(16), FRAME(4), ACCESS_RECORDS(8), CROSS_READER(3),
        FORGED_ENVELOPE(12), FORGED_BODY(17), ATTRIBUTE_VALUE(22), RANDOM_ATTRIBUTES(7), COMPRESSION(6);

        final int weight;

        Family(int weight)
        {
            this.weight = weight;
        }
    }

    /** What a decode may return without failing. */
    enum Check
    {
        /** What was stored, with the access state of its last record. */
        EXACT,
        /** What was stored, with any stored access state (corruption may hide the newest records). */
        STORED,
        /** What was stored except the access state: a record was forged. */
        STORED_BUT_ACCESS,
        /** Any session of this id and context: checksum and signature were forged. */
        ANY_SESSION
    }

    enum Outcome
    {
        EQUAL("decoded equal"), OTHER("decoded other (forged)"), UNREADABLE("unreadable"),
        UNREADABLE_STACK("unreadable (stack overflow caught)"), FAILURE("failure");

        final String label;

        Outcome(String label)
        {
            this.label = label;
        }
    }

    record Input(long index, Family family, Seed seed, Config reader, byte[] value, Check check, String mutation, byte[] attribute)
    {
    }

    /** What one load gave: a session or a tombstone. */
    record Loaded(SessionData data, long generation, byte[] digest, Tombstone tombstone)
    {
    }

    record Example(Input input, String detail, Throwable error, long allocated, long nanos)
    {
    }

    static final class Kind
    {
        final String name;
        long count;
        Example first;
        Example shortest;

        Kind(String name)
        {
            this.name = name;
        }
    }

    static final class Stats
    {
        long inputs;
        final long[] outcomes = new long[Outcome.values().length];
        final long[][] byFamily = new long[Family.values().length][Outcome.values().length];
        final Map<String, Kind> kinds = new LinkedHashMap<>();
        /** Inputs that failed, and failures reported (an input may fail in more than one way). */
        long failures;
        long failureReports;
        long maxAllocated;
        long maxAllocatedIndex = -1;
        long slowestNanos;
        long slowestIndex = -1;
        long heapBefore;
        long heapAfter;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // the test

    @Test
    void everyInputDecodesToWhatWasStoredOrIsUnreadable() throws Exception
    {
        long seed = Long.getLong("fuzz.seed", new SplittableRandom().nextLong());
        long maxInputs = Long.getLong("fuzz.inputs", 200_000);
        long seconds = Long.getLong("fuzz.seconds", 60);
        Long only = Long.getLong("fuzz.input");
        String hex = System.getProperty("fuzz.hex");
        String attribute = System.getProperty("fuzz.attribute");

        long started = System.nanoTime();
        Fuzzer fuzzer = new Fuzzer(seed);
        System.out.printf("[fuzz] seed=%d (replay: -Dfuzz.seed=%d), %d inputs or %d s; corpus of %d values (%d compressed, %d signed, %d version 2, %d tombstones, %d with access records) in %d ms; nesting templates: %s%n",
            seed, seed, maxInputs, seconds, fuzzer.seeds.size(), fuzzer.seeds.stream().filter(Seed::compressed).count(),
            fuzzer.seeds.stream().filter(s -> (s.flags() & SessionEnvelope.SIGNED) != 0).count(), fuzzer.seeds.stream().filter(s -> s.version() == 2).count(),
            fuzzer.seeds.stream().filter(Seed::tombstone).count(), fuzzer.seeds.stream().filter(s -> s.value().length > s.envelopeEnd()).count(),
            (System.nanoTime() - started) / 1_000_000, fuzzer.nestingSummary());

        Stats stats = new Stats();
        for (Seed s : fuzzer.seeds)
            fuzzer.run(new Input(-1, Family.UNMUTATED, s, s.config(), s.value(), Check.EXACT, "corpus value " + s.name(), null), stats);
        if (hex != null || attribute != null)
        {
            Config config = READERS.stream().filter(c -> c.name().equals(System.getProperty("fuzz.config", "protostuff"))).findFirst().orElseThrow();
            Input input = hex != null
                ? new Input(-1, Family.RANDOM_BYTES, null, config, HEX.parseHex(hex.trim()), Check.ANY_SESSION, "given as fuzz.hex", null)
                : fuzzer.withAttribute(config, Integer.getInteger("fuzz.codec", ProtostuffAttributeCodec.ID), HEX.parseHex(attribute.trim()));
            System.out.println("[fuzz] " + input.mutation() + ", read by " + config.name() + ": " + hexOf(input.value(), 4096));
            // twice: a decode may change what the next one gives (a class left uninitializable)
            for (int i = 1; i <= 2; i++)
                System.out.println("[fuzz] decode " + i + ": " + fuzzer.run(input, stats).label);
        }
        else if (only != null)
        {
            Input input = fuzzer.input(only);
            System.out.printf("[fuzz] input %d: %s, %s read by %s, %d bytes: %s%n  %s%n", only, input.family(), input.seed() == null ? "-" : input.seed().name(),
                input.reader().name(), input.value().length, input.mutation(), hexOf(input.value(), 4096));
            for (int i = 1; i <= 2; i++)
                System.out.println("[fuzz] input " + only + ", decode " + i + ": " + fuzzer.run(input, stats).label);
        }
        else
        {
            stats.heapBefore = usedHeapAfterGc();
            long deadline = seconds > 0 ? started + TimeUnit.SECONDS.toNanos(seconds) : Long.MAX_VALUE;
            fuzzer.loop(stats, maxInputs, deadline, Long.getLong("fuzz.hangSeconds", 30));
            stats.heapAfter = usedHeapAfterGc();
            long growth = stats.heapAfter - stats.heapBefore;
            if (growth > Long.getLong("fuzz.maxHeapGrowthMb", 64) * MiB)
            {
                stats.failures++;
                fuzzer.fail(stats, "heap grew by " + growth / MiB + " MB over the run", null, null, "used heap after GC " + stats.heapBefore / MiB + " MB before, " + stats.heapAfter / MiB + " MB after", 0, 0);
            }
        }
        String report = report(seed, stats, System.nanoTime() - started);
        System.out.println(report);
        assertTrue(stats.failures == 0, report);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // decoding: what SessionLoads.decode does with the bytes

    static Loaded load(SessionEnvelope envelope, byte[] value) throws UnreadableEnvelopeException
    {
        MemcachedSessionData target = new MemcachedSessionData(ID, CONTEXT, FuzzCorpus.VHOST, 0, 0, 0, 0);
        StoredValue stored = StoredValue.parse(value, envelope.accessRecords(), target);
        SessionEnvelope.Decoded decoded = envelope.decodeWithAttributes(stored.envelope(), target);
        if (decoded.isTombstone())
            return new Loaded(null, decoded.generation(), null, decoded.tombstone());
        SessionData data = decoded.data();
        AccessRecord access = stored.latestAccess() == null ? AccessRecord.of(data, decoded.generation()) : stored.latestAccess();
        access.applyTo(data);
        return new Loaded(data, decoded.generation(), FuzzCorpus.fingerprint(decoded.attributes()), null);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // the fuzzer

    static final class Fuzzer
    {
        final long seed;
        final List<Seed> seeds;
        final List<Seed> sessions;
        final Map<Integer, List<Nesting>> nestings = new TreeMap<>();
        final int totalWeight = Arrays.stream(Family.values()).mapToInt(f -> f.weight).sum();
        final AtomicLong current = new AtomicLong(-1);
        volatile long currentStarted;
        volatile Input currentInput;

        Fuzzer(long seed) throws IOException
        {
            this.seed = seed;
            this.seeds = corpus();
            this.sessions = seeds.stream().filter(s -> !s.tombstone()).toList();
            nestings.put(ProtostuffAttributeCodec.ID, nestingsOf(new ProtostuffAttributeCodec()));
            nestings.put(JavaAttributeCodec.ID, nestingsOf(new JavaAttributeCodec()));
        }

        String nestingSummary()
        {
            StringBuilder summary = new StringBuilder();
            nestings.forEach((codec, list) -> summary.append(summary.length() == 0 ? "" : ", ").append("codec ").append(codec).append(": ").append(list.size()));
            return summary.toString();
        }

        /** Runs inputs 0, 1, ... on a worker thread, so that a decode that never returns is reported, not waited for. */
        void loop(Stats stats, long maxInputs, long deadline, long hangSeconds) throws InterruptedException
        {
            Throwable[] crashed = new Throwable[1];
            Thread worker = new Thread(() ->
            {
                try
                {
                    for (long i = 0; i < maxInputs && System.nanoTime() < deadline; i++)
                    {
                        Input input = input(i);
                        currentInput = input;
                        currentStarted = System.nanoTime();
                        current.set(i);
                        run(input, stats);
                    }
                    current.set(-1);
                }
                catch (Throwable x)
                {
                    crashed[0] = x;
                }
            }, "fuzz-worker");
            worker.setDaemon(true);
            worker.start();
            long hangNanos = TimeUnit.SECONDS.toNanos(hangSeconds);
            while (worker.isAlive())
            {
                worker.join(1000);
                Input stuck = currentInput;
                if (worker.isAlive() && current.get() >= 0 && System.nanoTime() - currentStarted > hangNanos && stuck != null)
                {
                    worker.interrupt();
                    synchronized (stats)
                    {
                        stats.failures++;
                        fail(stats, "HANG: a decode did not return within " + hangSeconds + " s", stuck, null, stackOf(worker), 0, System.nanoTime() - currentStarted);
                    }
                    return;
                }
            }
            if (crashed[0] != null)
            {
                stats.failures++;
                fail(stats, "fuzzer crashed: " + crashed[0], currentInput, crashed[0], "the test's own code threw", 0, 0);
            }
        }

        Input input(long index)
        {
            SplittableRandom random = new SplittableRandom(mix(seed + index * 0x9E3779B97F4A7C15L));
            Mutator m = new Mutator(random);
            int pick = random.nextInt(totalWeight);
            Family family = Family.values()[0];
            for (Family f : Family.values())
            {
                if (pick < f.weight)
                {
                    family = f;
                    break;
                }
                pick -= f.weight;
            }
            Seed s = seeds.get(random.nextInt(seeds.size()));
            try
            {
                return make(index, family, s, m);
            }
            catch (IOException x)
            {
                throw new UncheckedIOException(x);
            }
        }

        private Input make(long index, Family family, Seed s, Mutator m) throws IOException
        {
            switch (family)
            {
                case UNMUTATED:
                    return new Input(index, family, s, s.config(), s.value(), Check.EXACT, "none", null);
                case RANDOM_BYTES:
                    return randomBytes(index, s, m);
                case RAW_VALUE:
                {
                    byte[] value = m.chance(50) ? m.havoc(s.value(), 4, s.envelopeEnd(), 4) : m.havoc(s.value(), 6);
                    return new Input(index, family, s, s.config(), value, Check.STORED, m.log(), null);
                }
                case FRAME:
                    return frame(index, s, m);
                case ACCESS_RECORDS:
                    return accessRecords(index, s, m);
                case CROSS_READER:
                {
                    Config reader = READERS.get(m.nextInt(READERS.size()));
                    byte[] value = m.chance(30) ? m.havoc(s.value(), 3) : s.value();
                    m.note("read by " + reader.name());
                    return new Input(index, family, s, reader, value, Check.STORED, m.log(), null);
                }
                case FORGED_ENVELOPE:
                    return forgedEnvelope(index, s, m);
                case FORGED_BODY:
                    return forgedBody(index, s, m);
                case ATTRIBUTE_VALUE:
                    return attributeValue(index, sessionOf(s, m), m);
                case RANDOM_ATTRIBUTES:
                    return randomAttributes(index, sessionOf(s, m), m);
                default:
                    return compression(index, sessionOf(s, m), m);
            }
        }

        private Seed sessionOf(Seed s, Mutator m)
        {
            return s.tombstone() ? sessions.get(m.nextInt(sessions.size())) : s;
        }

        private Input randomBytes(long index, Seed s, Mutator m)
        {
            byte[] value;
            if (m.chance(50))
            {
                value = m.garbage(m.nextInt(m.chance(10) ? 4096 : 300));
                m.note("random " + value.length + " bytes");
            }
            else
            {
                byte[] envelope = m.garbage(4 + m.nextInt(300));
                envelope[0] = 'J';
                envelope[1] = 'M';
                envelope[2] = (byte)(m.chance(80) ? SessionEnvelope.VERSION : m.chance(50) ? 2 : m.nextInt(256));
                envelope[3] = (byte)m.nextInt(m.chance(80) ? 8 : 256);
                value = StoredValue.frame(envelope);
                m.note("framed random envelope of " + envelope.length + " bytes");
            }
            return new Input(index, Family.RANDOM_BYTES, s, s.config(), value, Check.STORED, m.log(), null);
        }

        private Input frame(long index, Seed s, Mutator m)
        {
            byte[] value;
            int envelope = s.envelope().length;
            switch (m.nextInt(5))
            {
                case 0 ->
                {
                    value = Arrays.copyOf(s.value(), m.nextInt(4));
                    m.note("value cut to " + value.length + " bytes");
                }
                case 1 ->
                {
                    value = s.envelope();
                    m.note("envelope without its frame");
                }
                case 2 ->
                {
                    value = Mutator.concat(s.value(), s.value());
                    m.note("value twice");
                }
                default ->
                {
                    int[] lengths = {0, 1, 3, 4, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, envelope - 1, envelope + 1, envelope - AccessRecord.SIZE,
                        envelope + AccessRecord.SIZE, s.value().length - 4, s.value().length - 3, s.value().length, m.interestingInt()};
                    int length = lengths[m.nextInt(lengths.length)];
                    value = Mutator.putInt(s.value(), 0, length);
                    m.note("envelope length " + length + " (is " + envelope + ")");
                }
            }
            return new Input(index, Family.FRAME, s, s.config(), value, Check.STORED, m.log(), null);
        }

        private Input accessRecords(long index, Seed s, Mutator m)
        {
            byte[] value = s.value();
            int start = s.envelopeEnd();
            int size = recordSize(s);
            int records = (value.length - start) / size;
            Check check = Check.STORED;
            switch (m.nextInt(9))
            {
                case 0 ->
                {
                    if (records == 0)
                    {
                        value = Mutator.concat(value, record(s, m, s.generation()));
                        check = Check.STORED_BUT_ACCESS;
                    }
                    value = m.havoc(value, start, value.length, 3);
                }
                case 1 ->
                {
                    int at = start + m.nextInt(value.length - start + 1);
                    value = Arrays.copyOf(value, at);
                    m.note("records cut at " + at);
                }
                case 2, 3 ->
                {
                    // a forged record: right magic, generation and CRC (or tag, with the key), fields at the edges
                    byte[] forged = record(s, m, s.generation());
                    long[] edges = {Long.MIN_VALUE, Long.MAX_VALUE, 0, -1, 1};
                    for (int field = 0; field < 5; field++)
                        if (m.chance(40))
                            forged = Mutator.putLong(forged, 10 + 8 * field, edges[m.nextInt(edges.length)]);
                    forged = reseal(s, forged);
                    value = Mutator.concat(value, forged);
                    m.note("forged record with fields at the edges");
                    check = Check.STORED_BUT_ACCESS;
                }
                case 4 ->
                {
                    // a record of another generation, CRC right: must be ignored
                    long[] generations = {s.generation() + 1, s.generation() - 1, 0, -1, Long.MAX_VALUE, Long.MIN_VALUE};
                    long generation = generations[m.nextInt(generations.length)];
                    if (generation == s.generation())
                        generation++;
                    value = Mutator.concat(value, record(s, m, generation));
                    m.note("record of generation " + generation + " (copy is " + s.generation() + ")");
                }
                case 5 ->
                {
                    // a record with a bad magic but the right CRC (or tag): must be ignored
                    byte[] bad = record(s, m, s.generation());
                    bad[m.nextInt(2)] ^= (byte)(1 + m.nextInt(255));
                    value = Mutator.concat(value, reseal(s, bad));
                    m.note("record with a bad magic, CRC recomputed");
                }
                case 6 ->
                {
                    if (records == 0)
                    {
                        value = Mutator.concat(value, record(s, m, s.generation()));
                        check = Check.STORED_BUT_ACCESS;
                    }
                    int from = start + size * m.nextInt(Math.max(1, records));
                    int times = new int[]{1, 10, 1000, 10_000}[m.nextInt(4)];
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    out.write(value, 0, value.length);
                    for (int i = 0; i < times; i++)
                        out.write(value, from, size);
                    value = out.toByteArray();
                    m.note("record at " + from + " appended " + times + " times");
                }
                case 7 ->
                {
                    int at = start + size * m.nextInt(records + 1);
                    byte[] garbage = m.garbage(1 + m.nextInt(m.chance(50) ? size - 1 : 200));
                    value = Mutator.splice(value, at, at, garbage);
                    m.note(garbage.length + " garbage bytes inserted at " + at);
                }
                default ->
                {
                    // a record that repeats a stored state: reordering cannot give a state never stored
                    if (records > 0)
                    {
                        int from = start + size * m.nextInt(records);
                        value = Mutator.concat(value, Arrays.copyOfRange(value, from, from + size));
                        m.note("stored record at " + from + " repeated last");
                    }
                    else
                        m.note("no records to repeat");
                }
            }
            return new Input(index, Family.ACCESS_RECORDS, s, s.config(), value, check, m.log(), null);
        }

        /** A record of the seed's session with plausible times, for {@code generation}, sealed as its server seals them. */
        private static byte[] record(Seed s, Mutator m, long generation)
        {
            long base = 1_700_000_000_000L + m.nextInt(1_000_000);
            return new AccessRecords(s.config().signer()).encode(new AccessRecord(generation, base, base + 1, base, base + 1_800_000, 1_800_000), FuzzCorpus.BOUND);
        }

        /** Bytes of one record of the seed's server: 54 with a CRC, 66 with the signing key's tag. */
        private static int recordSize(Seed s)
        {
            return s.config().signer() == null ? AccessRecord.SIZE : AccessRecords.SIGNED_SIZE;
        }

        /** Recomputes the record's CRC, or its tag with the key: a forger who knows the format (and, here, the key). */
        private static byte[] reseal(Seed s, byte[] record)
        {
            if (s.config().signer() != null)
            {
                byte[] copy = record.clone();
                s.config().signer().tag(AccessRecords.binding(FuzzCorpus.BOUND), copy, 0, AccessRecords.SIGNED_SIZE - AccessRecords.TAG, AccessRecords.TAG);
                return copy;
            }
            CRC32 crc = new CRC32();
            crc.update(record, 0, AccessRecord.SIZE - 4);
            return Mutator.putInt(record, AccessRecord.SIZE - 4, (int)crc.getValue());
        }

        private Input forgedEnvelope(long index, Seed s, Mutator m)
        {
            byte[] envelope = s.envelope();
            byte[] unsealed = m.havoc(Arrays.copyOf(envelope, envelope.length - 4), 4);
            Signer signer = s.config().signer();
            if (signer != null && m.chance(80) && unsealed.length >= HEADER + Signer.LENGTH)
            {
                signer.sign(unsealed, unsealed.length - Signer.LENGTH);
                m.note("re-signed");
            }
            byte[] forged = withCrc(unsealed);
            m.note("CRC recomputed");
            return new Input(index, Family.FORGED_ENVELOPE, s, s.config(), reframe(s, forged), Check.ANY_SESSION, m.log(), null);
        }

        private Input forgedBody(long index, Seed s, Mutator m)
        {
            if (s.tombstone())
            {
                byte[] body = m.havoc(s.body(), 4);
                return forged(index, Family.FORGED_BODY, s, m, body, null);
            }
            Body model = s.model();
            List<Attr> attrs = new ArrayList<>(model.attrs());
            byte[] meta = model.meta();
            int count = attrs.size();
            byte[] trailing = new byte[0];
            int op = m.nextInt(12);
            int pick = attrs.isEmpty() ? -1 : m.nextInt(attrs.size());
            if (pick < 0 && op >= 4 && op <= 9)
                op = 3;
            switch (op)
            {
                case 0 -> meta = m.havoc(meta, 3);
                case 1 ->
                {
                    // a length prefix of id, context, vhost or last node
                    int[] offsets = utfOffsets(meta);
                    int which = m.nextInt(4);
                    int real = ((meta[offsets[which]] & 0xFF) << 8) | (meta[offsets[which] + 1] & 0xFF);
                    int length = m.chance(50) ? new int[]{0, 0xFFFF, 0x8000, 0x7FFF}[m.nextInt(4)] : m.lengthNear(real);
                    meta = Mutator.putShort(meta, offsets[which], length);
                    m.note("metadata string " + which + " length " + (length & 0xFFFF) + " (is " + real + ")");
                }
                case 2 ->
                {
                    int field = m.nextInt(7);
                    long[] edges = {Long.MIN_VALUE, Long.MAX_VALUE, 0, -1};
                    long value = edges[m.nextInt(edges.length)];
                    meta = Mutator.putLong(meta, meta.length - 56 + 8 * field, value);
                    m.note("metadata long " + field + " = " + value);
                }
                case 3 ->
                {
                    int available = s.body().length - meta.length - 4;
                    int[] counts = {0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, count + 1, count - 1, count * 2, available / 7, available / 7 + 1, m.interestingInt()};
                    count = counts[m.nextInt(counts.length)];
                    m.note("attribute count " + count + " (is " + attrs.size() + ")");
                }
                case 4 ->
                {
                    Attr a = attrs.get(pick);
                    int length = m.chance(50) ? new int[]{0, 0xFFFF, 0x8000}[m.nextInt(3)] : m.lengthNear(a.name().length) & 0xFFFF;
                    attrs.set(pick, new Attr(a.name(), length, a.codec(), a.length(), a.value()));
                    m.note("name length of '" + a.nameText() + "' " + length);
                }
                case 5 ->
                {
                    Attr a = attrs.get(pick);
                    byte[][] names = {{(byte)0xFF}, {(byte)0xC0}, {(byte)0xE0, (byte)0x80}, {(byte)0xED, (byte)0xA0, (byte)0x80}, {(byte)0xC0, (byte)0x80},
                        {}, "a".repeat(65535).getBytes(StandardCharsets.US_ASCII), attrs.get(m.nextInt(attrs.size())).name(), m.garbage(1 + m.nextInt(20))};
                    byte[] name = names[m.nextInt(names.length)];
                    attrs.set(pick, new Attr(name, a.codec(), a.value()));
                    m.note("name of '" + a.nameText() + "' set to " + hexOf(name, 16));
                }
                case 6 ->
                {
                    Attr a = attrs.get(pick);
                    int codec = new int[]{0, 1, 2, 3, 4, 127, 128, 200, 255, m.nextInt(256)}[m.nextInt(10)];
                    attrs.set(pick, new Attr(a.name(), a.nameLength(), codec, a.length(), a.value()));
                    m.note("codec of '" + a.nameText() + "' " + codec + " (is " + a.codec() + ")");
                }
                case 7 ->
                {
                    Attr a = attrs.get(pick);
                    int length = m.lengthNear(a.value().length);
                    attrs.set(pick, new Attr(a.name(), a.nameLength(), a.codec(), length, a.value()));
                    m.note("length of '" + a.nameText() + "' " + length + " (is " + a.value().length + ")");
                }
                case 8 ->
                {
                    Attr a = attrs.get(pick);
                    if (m.chance(50))
                    {
                        attrs.add(m.nextInt(attrs.size() + 1), a);
                        m.note("'" + a.nameText() + "' twice");
                    }
                    else
                    {
                        attrs.remove(pick);
                        m.note("'" + a.nameText() + "' removed");
                    }
                    count = attrs.size();
                }
                case 9 ->
                {
                    Attr a = attrs.get(pick);
                    Attr b = attrs.get(m.nextInt(attrs.size()));
                    if (m.chance(50))
                    {
                        attrs.set(pick, new Attr(a.name(), a.codec(), b.value()));
                        m.note("'" + a.nameText() + "' (codec " + a.codec() + ") holds the bytes of '" + b.nameText() + "' (codec " + b.codec() + ")");
                    }
                    else
                    {
                        java.util.Collections.shuffle(attrs, new java.util.Random(m.random().nextLong()));
                        m.note("attributes out of order");
                    }
                }
                default ->
                {
                    trailing = m.garbage(1 + m.nextInt(32));
                    m.note(trailing.length + " bytes after the last attribute");
                }
            }
            byte[] body = new Body(meta, count, attrs, trailing).bytes();
            return forged(index, Family.FORGED_BODY, s, m, body, null);
        }

        private Input attributeValue(long index, Seed s, Mutator m)
        {
            List<Attr> attrs = new ArrayList<>(s.model().attrs());
            if (attrs.isEmpty())
                return randomAttributes(index, s, m);
            // attributes of an object codec first: they hold the structure
            int pick = m.nextInt(attrs.size());
            for (int tries = 0; tries < 3 && attrs.get(pick).codec() == TextAttributeCodec.ID; tries++)
                pick = m.nextInt(attrs.size());
            Attr a = attrs.get(pick);
            m.note("attribute '" + a.nameText() + "' (codec " + a.codec() + ", " + a.value().length + " bytes)");
            byte[] value = mutateValue(a.codec(), a.value(), m);
            attrs.set(pick, a.withValue(value));
            byte[] body = new Body(s.model().meta(), attrs).bytes();
            return forged(index, Family.ATTRIBUTE_VALUE, s, m, body, value);
        }

        private byte[] mutateValue(int codec, byte[] value, Mutator m)
        {
            List<Nesting> deep = nestings.getOrDefault(codec, List.of());
            int op = m.nextInt(10);
            if (value.length == 0)
                op = 0;
            switch (op)
            {
                case 0, 1, 2:
                    return m.havoc(value, 4);
                case 3, 4:
                {
                    // varints at the edges: protostuff lengths, counts, tags; Java's lengths where they fall
                    int times = 1 + m.nextInt(2);
                    for (int i = 0; i < times && value.length > 0; i++)
                        value = codec == JavaAttributeCodec.ID ? m.writeInt(value) : m.writeVarint(value);
                    return value;
                }
                case 5:
                {
                    if (deep.isEmpty())
                        return m.havoc(value, 4);
                    Nesting nesting = deep.get(m.nextInt(deep.size()));
                    int depth = new int[]{2, 50, 501, 1000, 5000, 20_000, 100_000}[m.nextInt(7)];
                    depth = Math.max(2, Math.min(depth, Mutator.MAX_SIZE / (nesting.x().length + nesting.y().length + 1)));
                    m.note("replaced by " + nesting.name() + " nested " + depth + " deep");
                    byte[] nested = nesting.build(depth);
                    return m.chance(30) ? m.havoc(nested, 2) : nested;
                }
                case 6:
                {
                    if (codec != ProtostuffAttributeCodec.ID)
                        return m.havoc(value, 4);
                    byte[] soup = soup(m);
                    m.note("replaced by protostuff tokens " + hexOf(soup, 64));
                    return soup;
                }
                case 7:
                    return codec == ProtostuffAttributeCodec.ID ? stringReference(value, m) : m.repeatRange(value);
                case 8:
                    return m.repeatRange(value);
                default:
                    return m.chance(50) ? m.truncate(value) : m.extend(value);
            }
        }

        /** A StringTable reference ({@code "\0" + base 36 position}) pointed elsewhere: backwards, past the end, at itself. */
        private static byte[] stringReference(byte[] value, Mutator m)
        {
            List<Integer> references = new ArrayList<>();
            for (int i = 0; i + 2 < value.length; i++)
            {
                int length = value[i];
                if (length >= 2 && length <= 8 && value[i + 1] == 0 && i + 1 + length <= value.length && base36(value, i + 2, i + 1 + length))
                    references.add(i);
            }
            if (references.isEmpty())
                return m.writeVarint(value);
            int at = references.get(m.nextInt(references.size()));
            int length = value[at];
            String[] targets = {"-1", "-" + m.nextInt(100), Integer.toString(at - 1, 36), Integer.toString(at, 36), Integer.toString(value.length, 36),
                Integer.toString(m.nextInt(value.length + 64), 36), "zzzzzz", "!", Integer.toString(Integer.MAX_VALUE, 36)};
            String target = targets[m.nextInt(targets.length)];
            byte[] reference = Mutator.concat(new byte[]{(byte)(target.length() + 1), 0}, target.getBytes(StandardCharsets.US_ASCII));
            m.note("string reference at " + at + " set to position \"" + target + "\"");
            return Mutator.splice(value, at, at + 1 + length, reference);
        }

        private static boolean base36(byte[] bytes, int from, int to)
        {
            for (int i = from; i < to; i++)
                if (Character.digit((char)bytes[i], 36) < 0)
                    return false;
            return true;
        }

        /** Protostuff-shaped noise: tags of every wire type, varints at the edges, groups opened and closed. */
        private static byte[] soup(Mutator m)
        {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(0x0B);
            int depth = 1;
            int tokens = 1 + m.nextInt(12);
            int[] fields = {1, 2, 3, 4, 5, 8, 9, 10, 11, 16, 17, 18, 19, 20, 24, 25, 26, 27, 28, 32, 33, 34, 35, 36, 52, 127, 128};
            for (int t = 0; t < tokens; t++)
            {
                int field = m.chance(80) ? fields[m.nextInt(fields.length)] : m.nextInt(1 << 12);
                int wire = m.nextInt(6);
                out.writeBytes(Mutator.varint((long)field << 3 | wire));
                switch (wire)
                {
                    case 0 -> out.writeBytes(Mutator.varint(m.chance(50) ? Mutator.INTERESTING_VARINTS[m.nextInt(Mutator.INTERESTING_VARINTS.length)] : m.nextInt(300)));
                    case 1 -> out.writeBytes(m.garbage(8));
                    case 2 ->
                    {
                        int length = m.nextInt(12);
                        out.writeBytes(Mutator.varint(m.chance(20) ? Mutator.INTERESTING_VARINTS[m.nextInt(Mutator.INTERESTING_VARINTS.length)] : length));
                        out.writeBytes(m.chance(50) ? m.garbage(length) : "java.util.ArrayList".substring(0, Math.min(length, 19)).getBytes(StandardCharsets.US_ASCII));
                    }
                    case 3 -> depth++;
                    case 4 -> depth = Math.max(0, depth - 1);
                    default -> out.writeBytes(m.garbage(4));
                }
            }
            for (int i = 0; i < depth; i++)
                out.write(0x0C);
            return out.toByteArray();
        }

        /** A session of the corpus written by {@code config} holding one attribute of these bytes (fuzz.attribute). */
        Input withAttribute(Config config, int codec, byte[] bytes)
        {
            Seed s = sessions.stream().filter(x -> x.config().equals(config)).findFirst().orElse(sessions.get(0));
            Mutator m = new Mutator(new SplittableRandom(0));
            m.note("attribute 'a' (codec " + codec + ") given as fuzz.attribute in " + s.name());
            byte[] body = new Body(s.model().meta(), List.of(new Attr("a".getBytes(StandardCharsets.UTF_8), codec, bytes))).bytes();
            return forged(-1, Family.RANDOM_ATTRIBUTES, s, m, body, bytes);
        }

        private Input randomAttributes(long index, Seed s, Mutator m)
        {
            List<Attr> attrs = new ArrayList<>();
            int n = 1 + m.nextInt(3);
            byte[] last = null;
            for (int i = 0; i < n; i++)
            {
                int codec = m.chance(90) ? 1 + m.nextInt(3) : m.nextInt(256);
                byte[] value = switch (codec)
                {
                    case ProtostuffAttributeCodec.ID -> m.chance(70) ? soup(m) : m.garbage(m.nextInt(64));
                    case JavaAttributeCodec.ID -> Mutator.concat(new byte[]{(byte)m.nextInt(2), (byte)0xAC, (byte)0xED, 0, 5}, m.garbage(m.nextInt(64)));
                    default -> m.garbage(m.nextInt(64));
                };
                attrs.add(new Attr(("r" + i).getBytes(StandardCharsets.UTF_8), codec, value));
                m.note("'r" + i + "' codec " + codec + ": " + hexOf(value, 64));
                last = value;
            }
            byte[] body = new Body(s.model().meta(), attrs).bytes();
            return forged(index, Family.RANDOM_ATTRIBUTES, s, m, body, n == 1 ? last : null);
        }

        private Input compression(long index, Seed s, Mutator m) throws IOException
        {
            int flags = s.flags() | SessionEnvelope.COMPRESSED;
            byte[] payload;
            switch (m.nextInt(8))
            {
                case 0, 1 ->
                {
                    int real = s.body().length;
                    byte[] deflated = deflate(s.body(), Deflater.BEST_SPEED, false);
                    int[] lengths = {0, -1, 1, Integer.MIN_VALUE, Integer.MAX_VALUE, real - 1, real + 1, SessionEnvelope.MAX_INFLATED, SessionEnvelope.MAX_INFLATED + 1,
                        1032 * deflated.length + 64, 1032 * deflated.length + 68, m.interestingInt()};
                    int length = lengths[m.nextInt(lengths.length)];
                    payload = Mutator.concat(Mutator.putInt(new byte[0], 0, length), deflated);
                    m.note("inflated length " + length + " (is " + real + ")");
                }
                case 2, 3 ->
                {
                    byte[] deflated = m.havoc(deflate(s.body(), Deflater.BEST_SPEED, false), 3);
                    payload = Mutator.concat(Mutator.putInt(new byte[0], 0, s.body().length), deflated);
                    m.note("deflated bytes mutated");
                }
                case 4 ->
                {
                    int level = m.nextInt(10);
                    boolean raw = m.chance(30);
                    payload = Mutator.concat(Mutator.putInt(new byte[0], 0, s.body().length), deflate(s.body(), level, raw));
                    m.note("deflated at level " + level + (raw ? " without zlib header" : ""));
                }
                case 5 ->
                {
                    Deflater deflater = new Deflater();
                    deflater.setDictionary("some dictionary".getBytes(StandardCharsets.US_ASCII));
                    payload = Mutator.concat(Mutator.putInt(new byte[0], 0, s.body().length), deflate(deflater, s.body()));
                    m.note("deflated with a preset dictionary");
                }
                case 6 ->
                {
                    payload = Mutator.concat(Mutator.putInt(new byte[0], 0, s.body().length), s.body());
                    m.note("flagged compressed, not deflated");
                }
                default ->
                {
                    // a bomb: a long run of one byte in a text attribute, deflated
                    int size = 1 << (16 + m.nextInt(7));
                    byte[] big = new byte[size];
                    Arrays.fill(big, (byte)(m.chance(50) ? 0 : 'a'));
                    byte[] body = new Body(s.model().meta(), List.of(new Attr("bomb".getBytes(StandardCharsets.UTF_8), TextAttributeCodec.ID, big))).bytes();
                    payload = Mutator.concat(Mutator.putInt(new byte[0], 0, body.length), deflate(body, Deflater.BEST_SPEED, false));
                    m.note("text attribute of " + size + " equal bytes, deflated to " + (payload.length - 4));
                }
            }
            byte[] envelope = seal(s.version(), flags, s.generation(), payload, s.config().signer());
            return new Input(index, Family.COMPRESSION, s, s.config(), reframe(s, envelope), Check.ANY_SESSION, m.log(), null);
        }

        /** The body sealed as the seed's configuration would (compressed if the seed is, signed, checksummed). */
        private Input forged(long index, Family family, Seed s, Mutator m, byte[] body, byte[] attribute)
        {
            byte[] payload = s.compressed() ? Mutator.concat(Mutator.putInt(new byte[0], 0, body.length), deflate(body, Deflater.BEST_SPEED, false)) : body;
            byte[] envelope = seal(s.version(), s.flags(), s.generation(), payload, s.config().signer());
            return new Input(index, family, s, s.config(), reframe(s, envelope), Check.ANY_SESSION, m.log(), attribute);
        }

        /** A new envelope in place of the seed's, its access records kept. */
        private static byte[] reframe(Seed s, byte[] envelope)
        {
            return Mutator.concat(StoredValue.frame(envelope), Arrays.copyOfRange(s.value(), s.envelopeEnd(), s.value().length));
        }

        // -----------------------------------------------------------------------------------------------------------
        // running one input

        Outcome run(Input input, Stats stats)
        {
            long allocatedBefore = THREADS.getCurrentThreadAllocatedBytes();
            long started = System.nanoTime();
            Loaded loaded = null;
            UnreadableEnvelopeException unreadable = null;
            Throwable thrown = null;
            try
            {
                loaded = load(input.reader().envelope(), input.value());
            }
            catch (UnreadableEnvelopeException x)
            {
                unreadable = x;
            }
            catch (Throwable x)
            {
                thrown = x;
            }
            long nanos = System.nanoTime() - started;
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - allocatedBefore;

            synchronized (stats)
            {
                long reportsBefore = stats.failureReports;
                Outcome outcome;
                if (thrown != null)
                    outcome = fail(stats, thrown.getClass().getName() + " at " + frameOf(thrown) + noTrace(thrown), input, thrown, "thrown by the decode: " + thrown, allocated, nanos);
                else if (unreadable != null)
                {
                    Throwable error = errorBehind(unreadable);
                    String again = classTrouble(unreadable) ? decodeAgain(input, unreadable) : null;
                    if (error instanceof StackOverflowError)
                        outcome = Outcome.UNREADABLE_STACK;
                    else if (error != null)
                        outcome = fail(stats, "unreadable after " + error.getClass().getName() + " at " + frameOf(error) + noTrace(error), input, unreadable, "an Error behind the unreadable: " + unreadable.getMessage(), allocated, nanos);
                    else if (again != null)
                        outcome = fail(stats, "the same bytes read differently the second time: " + again.replaceAll("'[^']*'", "_"), input, unreadable,
                            "first: " + unreadable.getMessage() + "; then: " + again, allocated, nanos);
                    else
                        outcome = Outcome.UNREADABLE;
                }
                else
                {
                    String wrong = wrong(input, loaded);
                    if (wrong == null)
                        outcome = Outcome.EQUAL;
                    else if (input.check() == Check.ANY_SESSION && !wrong.startsWith("!"))
                        outcome = Outcome.OTHER;
                    else
                        outcome = fail(stats, "decoded to other data than stored (" + input.check() + "): " + wrong.replaceFirst("^!", "").replaceAll("'[^']*'|[-0-9]+", "_"), input, null, wrong, allocated, nanos);
                }
                long limit = allocationLimit(input.value());
                if (allocated > limit)
                    fail(stats, "a decode allocated over its limit" + (unreadable != null ? ", then unreadable after " + rootOf(unreadable) : ""), input, unreadable != null ? unreadable : thrown,
                        "allocated " + allocated / MiB + " MB (limit " + limit / MiB + " MB for a value of " + input.value().length + " bytes), outcome " + outcome, allocated, nanos);
                if (nanos > TimeUnit.MILLISECONDS.toNanos(Long.getLong("fuzz.slowMillis", 5000)) && allocated <= limit)
                    fail(stats, "a decode took over " + Long.getLong("fuzz.slowMillis", 5000) + " ms", input, unreadable != null ? unreadable : thrown,
                        "took " + nanos / 1_000_000 + " ms, outcome " + outcome, allocated, nanos);
                if (stats.failureReports > reportsBefore)
                    stats.failures++;
                if (input.index() >= 0)
                {
                    stats.inputs++;
                    stats.outcomes[outcome.ordinal()]++;
                    stats.byFamily[input.family().ordinal()][outcome.ordinal()]++;
                }
                if (allocated > stats.maxAllocated)
                {
                    stats.maxAllocated = allocated;
                    stats.maxAllocatedIndex = input.index();
                }
                if (nanos > stats.slowestNanos)
                {
                    stats.slowestNanos = nanos;
                    stats.slowestIndex = input.index();
                }
                return outcome;
            }
        }

        /**
         * A value refused for its classes must be refused again: a decode that leaves a class it touched
         * uninitializable changes what every later decode gives.
         * @return how the second decode differs, or null
         */
        private static String decodeAgain(Input input, UnreadableEnvelopeException first)
        {
            try
            {
                load(input.reader().envelope(), input.value());
                return "decoded";
            }
            catch (UnreadableEnvelopeException x)
            {
                // unreadable again: fine, unless a class the first decode touched cannot be used any more (a stack
                // overflow instead of a depth refusal only shows that the two ran at different stack depths)
                boolean broken = false;
                for (Throwable cause = x; cause != null && cause.getCause() != cause; cause = cause.getCause())
                    broken |= cause instanceof NoClassDefFoundError || cause instanceof ExceptionInInitializerError;
                return broken ? rootOf(x) + " (" + x.getMessage() + ")" : null;
            }
            catch (Throwable x)
            {
                return "threw " + x;
            }
        }

        Outcome fail(Stats stats, String kind, Input input, Throwable error, String detail, long allocated, long nanos)
        {
            stats.failureReports++;
            Kind k = stats.kinds.get(kind);
            if (k == null)
            {
                if (stats.kinds.size() >= 100)
                    kind = "(more kinds)";
                k = stats.kinds.computeIfAbsent(kind, Kind::new);
            }
            Example example = new Example(input, detail, error, allocated, nanos);
            k.count++;
            if (k.first == null)
                k.first = example;
            if (k.shortest == null || input != null && k.shortest.input() != null && input.value().length < k.shortest.input().value().length)
                k.shortest = example;
            return Outcome.FAILURE;
        }

        /** Null if the decode gave what the input may give; else what differs ({@code !} first: even a forger cannot cause it). */
        static String wrong(Input input, Loaded loaded)
        {
            Seed s = input.seed();
            if (loaded.tombstone() == null)
            {
                SessionData data = loaded.data();
                if (!ID.equals(data.getId()) || !CONTEXT.equals(data.getContextPath()))
                    return "!session of another id or context";
                if (data.isDirty())
                    return "!session dirty after loading";
                for (Object value : data.getAllAttributes().values())
                    if (value == null)
                        return "!null attribute value";
            }
            if (s == null)
                return "not compared";
            if (s.tombstone())
            {
                if (loaded.tombstone() == null)
                    return "a session instead of a tombstone";
                if (!Objects.equals(s.movedTo(), loaded.tombstone().movedTo()))
                    return "tombstone moved to '" + loaded.tombstone().movedTo() + "'";
                return loaded.generation() == s.generation() ? null : "generation " + loaded.generation();
            }
            if (loaded.tombstone() != null)
                return "a tombstone instead of the session";
            SessionData data = loaded.data();
            SessionData stored = s.session();
            if (loaded.generation() != s.generation())
                return "generation " + loaded.generation() + " instead of " + s.generation();
            if (!Arrays.equals(loaded.digest(), s.digest()))
                return "attribute bytes";
            String[] names = {"vhost", "lastNode"};
            String[][] texts = {{stored.getVhost(), data.getVhost()}, {nonNull(stored.getLastNode()), data.getLastNode()}};
            for (int i = 0; i < names.length; i++)
                if (!Objects.equals(texts[i][0], texts[i][1]))
                    return "metadata " + names[i];
            if (stored.getCreated() != data.getCreated() || stored.getCookieSet() != data.getCookieSet())
                return "metadata created or cookieSet";
            if (!stored.getKeys().equals(data.getKeys()))
                return "attribute names";
            for (String name : stored.getKeys())
            {
                boolean same;
                try
                {
                    same = same(stored.getAttribute(name), data.getAttribute(name), 0);
                }
                catch (StackOverflowError x)
                {
                    same = false;
                }
                if (!same)
                    return "attribute '" + name + "'";
            }
            long[] state = stateOf(data);
            switch (input.check())
            {
                case EXACT:
                    return Arrays.equals(state, s.finalState()) ? null : "access state " + Arrays.toString(state) + " instead of the last stored " + Arrays.toString(s.finalState());
                case STORED_BUT_ACCESS:
                    return null;
                default:
                    for (long[] stored1 : s.states())
                        if (Arrays.equals(stored1, state))
                            return null;
                    return "access state " + Arrays.toString(state) + " never stored";
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // helpers

    /** Equal as a faithful copy: same classes, equal contents, arrays by content; bounded depth. */
    static boolean same(Object a, Object b, int depth)
    {
        if (depth > 64)
            return false;
        if (a == b)
            return true;
        if (a == null || b == null || a.getClass() != b.getClass())
            return false;
        if (a instanceof Object[] x)
        {
            Object[] y = (Object[])b;
            if (x.length != y.length)
                return false;
            for (int i = 0; i < x.length; i++)
                if (!same(x[i], y[i], depth + 1))
                    return false;
            return true;
        }
        if (a.getClass().isArray())
            return Arrays.deepEquals(new Object[]{a}, new Object[]{b});
        if (a instanceof List<?> x)
        {
            List<?> y = (List<?>)b;
            if (x.size() != y.size())
                return false;
            for (int i = 0; i < x.size(); i++)
                if (!same(x.get(i), y.get(i), depth + 1))
                    return false;
            return true;
        }
        if (a instanceof Map<?, ?> x)
        {
            Map<?, ?> y = (Map<?, ?>)b;
            if (x.size() != y.size())
                return false;
            for (Map.Entry<?, ?> e : x.entrySet())
                if (!y.containsKey(e.getKey()) || !same(e.getValue(), y.get(e.getKey()), depth + 1))
                    return false;
            return true;
        }
        return a.equals(b);
    }

    private static long[] stateOf(SessionData data)
    {
        return new long[]{data.getLastSaved(), data.getAccessed(), data.getLastAccessed(), data.getExpiry(), data.getMaxInactiveMs()};
    }

    /**
     * What a decode may allocate: 16 bytes per byte of the value, 4 per byte its header says it inflates to (as far
     * as the decoder's own bounds allow), and 64 MB ({@code fuzz.maxAllocMb}) on top.
     */
    private static long allocationLimit(byte[] value)
    {
        long limit = Long.getLong("fuzz.maxAllocMb", 64) * MiB + 16L * value.length;
        if (value.length >= 4 + HEADER + 4 && value[4] == 'J' && value[5] == 'M' && (value[7] & SessionEnvelope.COMPRESSED) != 0)
        {
            int at = 4 + (value[6] == 2 ? HEADER_V2 : HEADER);
            long inflated = ((value[at] & 0xFFL) << 24) | ((value[at + 1] & 0xFF) << 16) | ((value[at + 2] & 0xFF) << 8) | (value[at + 3] & 0xFF);
            limit += 4 * Math.min(inflated, Math.min(SessionEnvelope.MAX_INFLATED, 1032L * value.length + 64));
        }
        return limit;
    }

    private static String rootOf(Throwable x)
    {
        Throwable root = x;
        while (root.getCause() != null && root.getCause() != root)
            root = root.getCause();
        return root.getClass().getName() + " at " + frameOf(root);
    }

    /**
     * @return the first Error in the chain that an unreadable must not hide: one of the VM (out of memory above all;
     * a stack overflow, which the envelope documents catching, is returned for counting), or a class whose
     * initializer failed, which no later decode can use; other linkage errors are part of what the envelope
     * documents as unreadable (a class that cannot be linked)
     */
    private static Throwable errorBehind(Throwable x)
    {
        for (Throwable cause = x; cause != null; cause = cause.getCause() == cause ? null : cause.getCause())
        {
            if (cause instanceof VirtualMachineError || cause instanceof ExceptionInInitializerError)
                return cause;
            if (cause instanceof NoClassDefFoundError && String.valueOf(cause.getMessage()).startsWith("Could not initialize class"))
                return cause;
        }
        return null;
    }

    /** Decodes that resolve classes: they may change what the next decode gives. */
    private static boolean classTrouble(Throwable x)
    {
        for (Throwable cause = x; cause != null; cause = cause.getCause() == cause ? null : cause.getCause())
            if (cause instanceof java.io.InvalidClassException || cause instanceof ClassNotFoundException || cause instanceof LinkageError)
                return true;
        return false;
    }

    private static String noTrace(Throwable x)
    {
        return x.getStackTrace().length > 0 ? "" : " (the JVM's preallocated errors with stack traces are used up: replay in a fresh JVM to see where)";
    }

    /** Where it was thrown: the top frame, the first frame outside the JDK, and the first of this library. */
    private static String frameOf(Throwable x)
    {
        StackTraceElement[] trace = x.getStackTrace();
        if (trace.length == 0)
            return "(no stack trace)";
        StringBuilder where = new StringBuilder(trace[0].toString());
        boolean outside = !isJdk(trace[0]);
        for (StackTraceElement frame : trace)
        {
            if (!outside && !isJdk(frame))
            {
                outside = true;
                where.append(" in ").append(frame);
            }
            if (frame.getClassName().startsWith("net.jettymemcached.sessions.") && !frame.getClassName().contains("FuzzTest"))
            {
                if (frame != trace[0] && !where.toString().endsWith(frame.toString()))
                    where.append(" from ").append(frame);
                break;
            }
        }
        return where.toString();
    }

    private static boolean isJdk(StackTraceElement frame)
    {
        String name = frame.getClassName();
        return name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.") || name.startsWith("sun.");
    }

    private static String stackOf(Thread thread)
    {
        StringBuilder out = new StringBuilder("stack of the stuck decode:");
        StackTraceElement[] trace = thread.getStackTrace();
        for (int i = 0; i < Math.min(trace.length, 25); i++)
            out.append("\n        at ").append(trace[i]);
        return out.toString();
    }

    private static String nonNull(String value)
    {
        return value == null ? "" : value;
    }

    static String hexOf(byte[] bytes, int max)
    {
        if (bytes.length <= max)
            return HEX.formatHex(bytes);
        return HEX.formatHex(bytes, 0, max) + "... (" + bytes.length + " bytes)";
    }

    private static long mix(long z)
    {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static long usedHeapAfterGc()
    {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // the report

    private static String report(long seed, Stats stats, long nanos)
    {
        StringBuilder out = new StringBuilder();
        out.append(String.format("[fuzz] seed=%d inputs=%d time=%.1fs", seed, stats.inputs, nanos / 1e9));
        for (Outcome outcome : Outcome.values())
            out.append(", ").append(outcome.label).append('=').append(stats.outcomes[outcome.ordinal()]);
        out.append(String.format("%n[fuzz] largest allocation of one decode %.1f MB (input %d), slowest decode %.1f ms (input %d), %s%n",
            stats.maxAllocated / (double)MiB, stats.maxAllocatedIndex, stats.slowestNanos / 1e6, stats.slowestIndex,
            stats.heapBefore == 0 ? "heap not measured (replay)" : "used heap after GC " + stats.heapBefore / MiB + " MB before the run, " + stats.heapAfter / MiB + " MB after"));
        out.append("[fuzz] by family:");
        for (Family family : Family.values())
        {
            long[] counts = stats.byFamily[family.ordinal()];
            out.append(String.format("%n[fuzz]   %-18s", family));
            for (Outcome outcome : Outcome.values())
                out.append(String.format(" %s=%d", outcome.name().toLowerCase(), counts[outcome.ordinal()]));
        }
        if (stats.failures == 0)
            return out.append(String.format("%n[fuzz] no failure")).toString();
        out.append(String.format("%n[fuzz] %d failing inputs, %d failures of %d distinct kinds%s:", stats.failures, stats.failureReports, stats.kinds.size(),
            stats.kinds.size() > MAX_KINDS ? " (the first " + MAX_KINDS + " shown)" : ""));
        int shown = 0;
        for (Kind kind : stats.kinds.values())
        {
            if (shown++ == MAX_KINDS)
                break;
            Example e = kind.shortest;
            out.append(String.format("%n%n[fuzz] %d. %s%n       %d inputs, the first is %d; the shortest:", shown, kind.name, kind.count, kind.first.input() == null ? -1 : kind.first.input().index()));
            if (e.input() != null)
            {
                Input in = e.input();
                if (in.index() >= 0)
                    out.append(String.format("%n       replay: -Dfuzz.seed=%d -Dfuzz.input=%d   (or -Dfuzz.config=%s -Dfuzz.hex=<value>)", seed, in.index(), in.reader().name()));
                else
                    out.append(String.format("%n       replay: -Dfuzz.config=%s -Dfuzz.hex=<value>", in.reader().name()));
                out.append(String.format("%n       %s from %s, read by %s: %s", in.family(), in.seed() == null ? "-" : in.seed().name(), in.reader().name(), in.mutation()));
                if (in.attribute() != null)
                    out.append(String.format("%n       attribute bytes: %s", hexOf(in.attribute(), 1024)));
                out.append(String.format("%n       value: %s", hexOf(in.value(), 2048)));
            }
            out.append(String.format("%n       %s (allocated %.1f MB, %.1f ms)", e.detail(), e.allocated() / (double)MiB, e.nanos() / 1e6));
            if (e.error() != null)
            {
                for (Throwable t = e.error(); t != null; t = t.getCause() == t ? null : t.getCause())
                {
                    out.append(String.format("%n       %s%s", t == e.error() ? "" : "caused by ", t));
                    StackTraceElement[] trace = t.getStackTrace();
                    for (int i = 0; i < Math.min(trace.length, 8); i++)
                        out.append(String.format("%n           at %s", trace[i]));
                }
            }
        }
        return out.toString();
    }
}
