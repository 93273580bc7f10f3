package net.jettymemcached.sessions.format;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import net.jettymemcached.sessions.codec.AttributeCodec;
import net.jettymemcached.sessions.security.DeserializationFilters;
import net.jettymemcached.sessions.security.Signer;
import org.eclipse.jetty.session.SessionData;

/**
 * The corpus of {@link StoredValueFuzzTest}: real stored values of several sessions, written by each envelope
 * configuration, with what each holds, so that a decode can be compared with what was stored; the body model
 * mutations work on, the sealing a forger who knows the format does, and the bytes of values nested at any depth.
 */
final class FuzzCorpus
{
    static final String ID = "node0fuzz4711abc-n1";
    static final String CONTEXT = "_shop";
    static final String VHOST = "shop.example.com";
    /** What every value of the corpus belongs to (its access records are bound to it). */
    static final SessionData BOUND = new SessionData(ID, CONTEXT, VHOST, 0, 0, 0, 0);
    static final String KEY_A = "fuzz-signing-key-A-0123456789";
    static final String KEY_B = "fuzz-signing-key-B-9876543210";
    static final int HEADER = 12;
    static final int HEADER_V2 = 4;

    /** Envelope configurations that write the corpus; each reads its own values. */
    static final List<Config> WRITERS = List.of(
        new Config("protostuff", "protostuff", 16384, null),
        new Config("protostuff+deflate", "protostuff", 256, null),
        new Config("protostuff+signed", "protostuff", 16384, KEY_A),
        new Config("protostuff+deflate+signed", "protostuff", 256, KEY_A),
        new Config("java", "java", 16384, null),
        new Config("java+deflate+signed", "java", 256, KEY_A));
    /** More readers for values written by another configuration: another key, a rotation, no signing. */
    static final List<Config> READERS = concat(WRITERS, List.of(
        new Config("signed-other-key", "protostuff", 16384, KEY_B),
        new Config("signed-rotated", "protostuff", 16384, KEY_B + "," + KEY_A),
        new Config("java-signed-other-key", "java", 16384, KEY_B)));

    static final List<String> SESSION_KINDS = List.of("empty", "small", "mixed", "nested", "strings", "large", "arrays", "values", "pojo", "many");

    private FuzzCorpus()
    {
    }

    record Config(String name, String serializer, int threshold, String keys)
    {
        SessionEnvelope envelope()
        {
            return ENVELOPES.computeIfAbsent(name, n -> new SessionEnvelope(AttributeCodecs.of(serializer, DeserializationFilters.parse(null)), threshold, 1_000_000, signer()));
        }

        /** One signer per configuration: each holds a MAC per thread. */
        Signer signer()
        {
            return keys == null ? null : SIGNERS.computeIfAbsent(name, n -> Signer.parse(keys));
        }
    }

    static final Map<String, SessionEnvelope> ENVELOPES = new java.util.concurrent.ConcurrentHashMap<>();
    static final Map<String, Signer> SIGNERS = new java.util.concurrent.ConcurrentHashMap<>();

    /** One attribute of a body: name (modified UTF-8), codec id, value bytes; the lengths written may lie. */
    record Attr(byte[] name, int nameLength, int codec, int length, byte[] value)
    {
        Attr(byte[] name, int codec, byte[] value)
        {
            this(name, name.length, codec, value.length, value);
        }

        Attr withValue(byte[] bytes)
        {
            return new Attr(name, name.length, codec, bytes.length, bytes);
        }

        String nameText()
        {
            return new String(name, StandardCharsets.UTF_8);
        }
    }

    /** The uncompressed body of a session: metadata, then the attributes; the count written may lie. */
    record Body(byte[] meta, int count, List<Attr> attrs, byte[] trailing)
    {
        Body(byte[] meta, List<Attr> attrs)
        {
            this(meta, attrs.size(), attrs, new byte[0]);
        }

        byte[] bytes()
        {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            DataOutputStream out = new DataOutputStream(bytes);
            try
            {
                out.write(meta);
                out.writeInt(count);
                for (Attr attr : attrs)
                {
                    out.writeShort(attr.nameLength());
                    out.write(attr.name());
                    out.writeByte(attr.codec());
                    out.writeInt(attr.length());
                    out.write(attr.value());
                }
                out.write(trailing);
            }
            catch (IOException x)
            {
                throw new UncheckedIOException(x);
            }
            return bytes.toByteArray();
        }
    }

    /** A real stored value and what it holds. */
    record Seed(String name, Config config, SessionData session, boolean tombstone, String movedTo, int version, long generation,
                int flags, byte[] envelope, byte[] body, Body model, byte[] digest, byte[] value, List<long[]> states, long[] finalState)
    {
        boolean compressed()
        {
            return (flags & SessionEnvelope.COMPRESSED) != 0;
        }

        int envelopeEnd()
        {
            return 4 + envelope.length;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // the corpus

    static List<Seed> corpus() throws IOException
    {
        List<Seed> seeds = new ArrayList<>();
        int k = 0;
        for (Config config : WRITERS)
            for (String kind : SESSION_KINDS)
                seeds.add(sessionSeed(kind, config, k++, SessionEnvelope.VERSION));
        for (Config config : WRITERS)
            for (String kind : List.of("empty", "mixed"))
                seeds.add(sessionSeed(kind, config, k++, 2));
        for (Config config : WRITERS)
        {
            seeds.add(tombstoneSeed(config, null, k++));
            seeds.add(tombstoneSeed(config, "node0moved4242xyz-n2", k++));
        }
        return seeds;
    }

    /** The attributes of {@code session} as the envelope encodes them, sorted by name. */
    static List<EncodedAttribute> encodedAttributes(SessionEnvelope envelope, SessionData session) throws IOException
    {
        List<EncodedAttribute> encoded = new java.util.ArrayList<>();
        for (String name : new java.util.TreeSet<>(session.getKeys()))
            encoded.add(envelope.encodeAttribute(name, session.getAttribute(name)));
        return encoded;
    }

    /** Names, codecs and bytes of encoded attributes in one array: equal arrays, equal stored attributes. */
    static byte[] fingerprint(List<EncodedAttribute> attributes)
    {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
        try
        {
            for (EncodedAttribute a : attributes)
            {
                out.writeUTF(a.name());
                out.writeByte(a.codecId());
                out.writeInt(a.length());
                out.write(a.buffer(), a.offset(), a.length());
            }
        }
        catch (IOException x)
        {
            throw new java.io.UncheckedIOException(x);
        }
        return bytes.toByteArray();
    }

    static Seed sessionSeed(String kind, Config config, int k, int version) throws IOException
    {
        SessionData session = session(kind);
        long generation = version == 2 ? 0 : k % 7 == 0 ? 0 : 1 + (k * 7919L) % 100_000;
        byte[] envelope = config.envelope().encode(session, generation);
        int flags = envelope[3] & 0xFF;
        byte[] body = bodyOf(envelope, HEADER);
        boolean compressed = (flags & SessionEnvelope.COMPRESSED) != 0;
        byte[] payload = compressed ? Mutator.concat(Mutator.putInt(new byte[0], 0, body.length), deflate(body, Deflater.BEST_SPEED, false)) : body;
        byte[] resealed = seal(SessionEnvelope.VERSION, flags, generation, payload, config.signer());
        if (!Arrays.equals(resealed, envelope))
            throw new AssertionError("the test's sealing differs from SessionEnvelope's for " + kind + " / " + config.name());
        if (version == 2)
            envelope = seal(2, flags, 0, payload, config.signer());

        List<long[]> states = new ArrayList<>();
        states.add(new long[]{session.getLastSaved(), session.getAccessed(), session.getLastAccessed(), session.getExpiry(), session.getMaxInactiveMs()});
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        int count = k % 4;
        for (int i = 0; i < count; i++)
        {
            if (k % 5 == 0 && i == count / 2)
            {
                // a record appended to an older copy by a Jetty that had not seen this write: ignored
                records.writeBytes(new AccessRecords(config.signer()).encode(new AccessRecord(generation - 1, 1, 2, 3, 4, 5), session));
            }
            long t = session.getAccessed() + 60_000L * (i + 1);
            long maxInactive = i == 2 ? session.getMaxInactiveMs() * 2 : session.getMaxInactiveMs();
            AccessRecord record = new AccessRecord(generation, t + 5, t, t - 30_000, maxInactive < 0 ? 0 : t + maxInactive, maxInactive);
            records.writeBytes(new AccessRecords(config.signer()).encode(record, session));
            states.add(new long[]{record.savedAt(), record.accessed(), record.lastAccessed(), record.expiry(), record.maxInactiveMs()});
        }
        byte[] value = Mutator.concat(StoredValue.frame(envelope), records.toByteArray());
        String name = kind + "/" + config.name() + "/v" + version + "/" + count + " records";
        return new Seed(name, config, session, false, null, version, generation, flags, envelope, body, parseBody(body), fingerprint(encodedAttributes(config.envelope(), session)),
            value, List.copyOf(states), states.get(states.size() - 1));
    }

    static Seed tombstoneSeed(Config config, String movedTo, int k)
    {
        long generation = 1 + k * 31L;
        byte[] envelope = config.envelope().encodeTombstone(ID, CONTEXT, generation, movedTo);
        byte[] body = bodyOf(envelope, HEADER);
        byte[] value = StoredValue.frame(envelope);
        return new Seed("tombstone" + (movedTo == null ? "" : " moved") + "/" + config.name(), config, null, true, movedTo, SessionEnvelope.VERSION, generation,
            envelope[3] & 0xFF, envelope, body, null, null, value, List.of(), null);
    }

    /** The uncompressed body of a stored envelope. */
    static byte[] bodyOf(byte[] envelope, int header)
    {
        int flags = envelope[3] & 0xFF;
        int end = envelope.length - 4 - ((flags & SessionEnvelope.SIGNED) != 0 ? Signer.LENGTH : 0);
        byte[] payload = Arrays.copyOfRange(envelope, header, end);
        if ((flags & SessionEnvelope.COMPRESSED) == 0)
            return payload;
        int length = ((payload[0] & 0xFF) << 24) | ((payload[1] & 0xFF) << 16) | ((payload[2] & 0xFF) << 8) | (payload[3] & 0xFF);
        Inflater inflater = new Inflater();
        try
        {
            inflater.setInput(payload, 4, payload.length - 4);
            byte[] body = new byte[length];
            int n = 0;
            while (n < length && !inflater.finished())
                n += inflater.inflate(body, n, length - n);
            return body;
        }
        catch (DataFormatException x)
        {
            throw new IllegalStateException(x);
        }
        finally
        {
            inflater.end();
        }
    }

    static Body parseBody(byte[] body) throws IOException
    {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(body));
        for (int i = 0; i < 4; i++)
            in.readUTF();
        in.skipNBytes(7 * 8);
        byte[] meta = Arrays.copyOf(body, body.length - in.available());
        List<Attr> attrs = new ArrayList<>();
        for (int n = in.readInt(); n > 0; n--)
        {
            byte[] name = new byte[in.readUnsignedShort()];
            in.readFully(name);
            int codec = in.readUnsignedByte();
            byte[] value = new byte[in.readInt()];
            in.readFully(value);
            attrs.add(new Attr(name, codec, value));
        }
        return new Body(meta, attrs);
    }

    /** Offsets of the four length-prefixed strings of the metadata. */
    static int[] utfOffsets(byte[] meta)
    {
        int[] offsets = new int[4];
        int at = 0;
        for (int i = 0; i < 4; i++)
        {
            offsets[i] = at;
            at += 2 + (((meta[at] & 0xFF) << 8) | (meta[at + 1] & 0xFF));
        }
        return offsets;
    }

    /** Header, payload, signature when signed and a signer is given, CRC: what a forger who knows the format writes. */
    static byte[] seal(int version, int flags, long generation, byte[] payload, Signer signer)
    {
        int header = version == 2 ? HEADER_V2 : HEADER;
        boolean sign = signer != null && (flags & SessionEnvelope.SIGNED) != 0;
        byte[] out = new byte[header + payload.length + (sign ? Signer.LENGTH : 0)];
        out[0] = 'J';
        out[1] = 'M';
        out[2] = (byte)version;
        out[3] = (byte)flags;
        if (header == HEADER)
            out = Mutator.putLong(out, HEADER_V2, generation);
        System.arraycopy(payload, 0, out, header, payload.length);
        if (sign)
            signer.sign(out, header + payload.length);
        return withCrc(out);
    }

    static byte[] withCrc(byte[] bytes)
    {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length);
        return Mutator.putInt(bytes, bytes.length, (int)crc.getValue());
    }

    static byte[] deflate(byte[] bytes, int level, boolean raw)
    {
        return deflate(new Deflater(level, raw), bytes);
    }

    static byte[] deflate(Deflater deflater, byte[] bytes)
    {
        try
        {
            deflater.setInput(bytes);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 2 + 64);
            byte[] chunk = new byte[8192];
            while (!deflater.finished())
                out.write(chunk, 0, deflater.deflate(chunk));
            return out.toByteArray();
        }
        finally
        {
            deflater.end();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // sessions of the corpus

    static SessionData session(String kind)
    {
        SessionData data = new SessionData(ID, CONTEXT, VHOST, 1_700_000_000_001L, 1_700_000_100_002L, 1_700_000_050_003L, 1_800_000L);
        data.setCookieSet(1_700_000_000_004L);
        data.setExpiry(1_700_001_900_005L);
        data.setLastSaved(1_700_000_100_006L);
        data.setLastNode("worker7");
        SplittableRandom random = new SplittableRandom(kind.hashCode());
        switch (kind)
        {
            case "empty" ->
            {
                data.setMaxInactiveMs(-1);
                data.setExpiry(0);
                data.setLastNode(null);
            }
            case "small" ->
            {
                data.setAttribute("user", "alice");
                data.setAttribute("count", 3);
            }
            case "mixed" ->
            {
                data.setAttribute("string", "h\u00e9llo w\u00f6rld \u65e5\u672c");
                data.setAttribute("integer", 42);
                data.setAttribute("long", Long.MIN_VALUE);
                data.setAttribute("list", new ArrayList<>(List.of("a", "b", 3)));
                Map<String, Object> map = new HashMap<>();
                map.put("k1", "v1");
                map.put("k2", 2);
                map.put("nested", new ArrayList<>(List.of(1, 2, 3)));
                data.setAttribute("map", map);
                data.setAttribute("bytes", new byte[]{1, 2, 3});
            }
            case "nested" ->
            {
                List<Object> cart = new ArrayList<>();
                for (int i = 0; i < 4; i++)
                {
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("sku", "SKU-" + (1000 + i));
                    line.put("quantity", i + 1);
                    line.put("tags", new HashSet<>(List.of("t" + i, "sale")));
                    line.put("options", new TreeMap<>(Map.of("colour", "red", "size", List.of(38, 39))));
                    cart.add(line);
                }
                data.setAttribute("cart", cart);
                Map<String, Object> shared = new HashMap<>(Map.of("x", 1));
                data.setAttribute("shared", new ArrayList<>(List.of(shared, shared, new LinkedList<>(List.of(shared)))));
                Object deep = "bottom";
                for (int i = 0; i < 20; i++)
                    deep = new ArrayList<>(List.of(deep, i));
                data.setAttribute("deep", deep);
                EnumMap<TimeUnit, String> units = new EnumMap<>(TimeUnit.class);
                units.put(TimeUnit.SECONDS, "s");
                data.setAttribute("enumMap", units);
            }
            case "strings" ->
            {
                data.setAttribute("empty", "");
                data.setAttribute("nul", "\u0000");
                data.setAttribute("nulFirst", "\u0000abcdefgh");
                data.setAttribute("emoji", "\ud83d\ude00 smile");
                data.setAttribute("unpaired", "\ud800x");
                data.setAttribute("n".repeat(300), "long name");
                data.setAttribute("\u00fcn\u00efc\u00f8d\u00e9", "name");
                data.setAttribute("repeated", new ArrayList<>(List.of("com.example.Repeated", "com.example.Repeated", "com.example.Repeated")));
            }
            case "large" ->
            {
                StringBuilder text = new StringBuilder();
                while (text.length() < 10_240)
                    text.append((char)('a' + random.nextInt(26)));
                data.setAttribute("text10k", text.toString());
                byte[] noise = new byte[10_240];
                for (int i = 0; i < noise.length; i++)
                    noise[i] = (byte)random.nextInt(256);
                data.setAttribute("bytes10k", noise);
                data.setAttribute("list10k", new ArrayList<>(java.util.Collections.nCopies(1000, "item-0123456789")));
            }
            case "arrays" ->
            {
                data.setAttribute("longs", new long[]{1, -1, Long.MAX_VALUE, 0});
                data.setAttribute("ints", new int[]{7, 8, 9});
                data.setAttribute("doubles", new double[]{0.5, -0.0, Double.NaN});
                data.setAttribute("booleans", new boolean[]{true, false});
                data.setAttribute("chars", new char[]{'a', '\u00e9'});
                data.setAttribute("shorts", new short[]{1, -2});
                data.setAttribute("floats", new float[]{1.5f});
                data.setAttribute("strings", new String[]{"x", "y", null});
                data.setAttribute("integers", new Integer[]{1, null, 3});
                data.setAttribute("objects", new Object[]{"a", 1, new int[]{2}, List.of(3)});
                data.setAttribute("noBytes", new byte[0]);
                data.setAttribute("matrix", new long[][]{{1, 2}, {3}});
            }
            case "values" ->
            {
                data.setAttribute("decimal", new BigDecimal("12345.6789"));
                data.setAttribute("bigint", new BigInteger("-123456789012345678901234567890"));
                data.setAttribute("uuid", new UUID(0x0123456789ABCDEFL, 0xFEDCBA9876543210L));
                data.setAttribute("date", LocalDate.of(2024, 2, 29));
                data.setAttribute("dateTime", LocalDateTime.of(2024, 2, 29, 23, 59, 58, 123_456_789));
                data.setAttribute("instant", Instant.ofEpochSecond(1_700_000_000L, 42));
                data.setAttribute("duration", Duration.ofMillis(-1500));
                data.setAttribute("unit", TimeUnit.SECONDS);
                data.setAttribute("char", 'z');
                data.setAttribute("short", (short)-7);
                data.setAttribute("byte", (byte)0x80);
                data.setAttribute("float", 3.25f);
                data.setAttribute("double", -0.0);
                data.setAttribute("boolean", Boolean.TRUE);
                data.setAttribute("utilDate", new Date(1_700_000_000_000L));
                data.setAttribute("uri", URI.create("https://shop.example.com/cart?x=1"));
            }
            case "pojo" ->
            {
                FuzzItem child = new FuzzItem("child", 2, new ArrayList<>(List.of("c")), null);
                data.setAttribute("item", new FuzzItem("parent", 1, new ArrayList<>(List.of("p", "q")), child));
                data.setAttribute("items", new ArrayList<>(List.of(child, new FuzzItem("other", -1, new ArrayList<>(), null))));
            }
            case "many" ->
            {
                for (int i = 0; i < 100; i++)
                    data.setAttribute(String.format("attr%03d", i), i % 3 == 0 ? "v" + i : i % 3 == 1 ? Integer.valueOf(i) : Long.valueOf(-i));
            }
            default -> throw new IllegalArgumentException(kind);
        }
        return data;
    }

    /** An application class: written by protostuff through its fields, or by Java serialization. */
    public static final class FuzzItem implements Serializable
    {
        private static final long serialVersionUID = 1L;
        String sku;
        int quantity;
        List<String> tags;
        FuzzItem next;

        public FuzzItem()
        {
        }

        FuzzItem(String sku, int quantity, List<String> tags, FuzzItem next)
        {
            this.sku = sku;
            this.quantity = quantity;
            this.tags = tags;
            this.next = next;
        }

        @Override
        public boolean equals(Object o)
        {
            return o instanceof FuzzItem other && quantity == other.quantity && Objects.equals(sku, other.sku) && Objects.equals(tags, other.tags) && Objects.equals(next, other.next);
        }

        @Override
        public int hashCode()
        {
            return Objects.hash(sku, quantity, tags, next);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // deep nesting

    /** Bytes of a value nested {@code depth} deep: {@code a + x^(depth-1) + c + y^(depth-1) + b}. */
    record Nesting(String name, byte[] a, byte[] x, byte[] c, byte[] y, byte[] b)
    {
        byte[] build(int depth)
        {
            ByteArrayOutputStream out = new ByteArrayOutputStream(a.length + c.length + b.length + (x.length + y.length) * (depth - 1));
            out.writeBytes(a);
            for (int i = 1; i < depth; i++)
                out.writeBytes(x);
            out.writeBytes(c);
            for (int i = 1; i < depth; i++)
                out.writeBytes(y);
            out.writeBytes(b);
            return out.toByteArray();
        }
    }

    static List<Nesting> nestingsOf(AttributeCodec codec) throws IOException
    {
        List<Nesting> found = new ArrayList<>();
        String[] shapes = {"list", "map", "array"};
        for (String shape : shapes)
        {
            byte[][] encoded = new byte[5][];
            for (int depth = 1; depth <= 4; depth++)
                encoded[depth] = codec.encode(nested(shape, depth));
            Nesting nesting = derive(codec.name() + " " + shape, encoded);
            if (nesting != null)
                found.add(nesting);
        }
        return found;
    }

    static Object nested(String shape, int depth)
    {
        Object value = 7;
        for (int i = 0; i < depth; i++)
        {
            value = switch (shape)
            {
                case "list" -> new ArrayList<>(List.of(value));
                case "map" -> new HashMap<>(Map.of("k", value));
                default -> new Object[]{value};
            };
        }
        return value;
    }

    /** Finds the unit each level of nesting adds before and after the core, checked against depths 3 and 4. */
    static Nesting derive(String name, byte[][] encoded)
    {
        byte[] e1 = encoded[1];
        byte[] e2 = encoded[2];
        int n = e1.length;
        int diff = e2.length - n;
        if (diff <= 0)
            return null;
        int prefix = 0;
        while (prefix < n && e1[prefix] == e2[prefix])
            prefix++;
        for (int i = 0; i <= prefix; i++)
        {
            for (int k = 0; k <= diff; k++)
            {
                for (int j = i; j <= n; j++)
                {
                    if (!Arrays.equals(e2, i + k, j + k, e1, i, j) || !Arrays.equals(e2, j + diff, e2.length, e1, j, n))
                        continue;
                    Nesting candidate = new Nesting(name, Arrays.copyOfRange(e1, 0, i), Arrays.copyOfRange(e2, i, i + k), Arrays.copyOfRange(e1, i, j),
                        Arrays.copyOfRange(e2, j + k, j + diff), Arrays.copyOfRange(e1, j, n));
                    if (Arrays.equals(candidate.build(3), encoded[3]) && Arrays.equals(candidate.build(4), encoded[4]))
                        return candidate;
                }
            }
        }
        return null;
    }

    static <T> List<T> concat(List<T> a, List<T> b)
    {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }
}
