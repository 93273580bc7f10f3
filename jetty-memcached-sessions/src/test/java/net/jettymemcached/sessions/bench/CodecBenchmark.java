package net.jettymemcached.sessions.bench;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.util.concurrent.TimeUnit;

import net.jettymemcached.sessions.format.AttributeCodecs;
import net.jettymemcached.sessions.security.DeserializationFilters;
import net.jettymemcached.sessions.format.SessionEnvelope;
import org.eclipse.jetty.session.SessionData;
import org.eclipse.jetty.util.ClassLoadingObjectInputStream;
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

/**
 * Serialize + deserialize of a realistic session ({@link RealisticSession}) of about 1 KB, 10 KB and 200 KB (sized by
 * Java serialization), one operation being one store and one load of the whole session:
 * <ul>
 * <li>{@code protostuff}: this module's default ({@code serializer=protostuff});</li>
 * <li>{@code java}: this module with {@code serializer=java} (one Java stream per attribute);</li>
 * <li>{@code jetty-java}: Jetty's own attribute serialization (one Java stream for all attributes), as Jetty's file,
 * JDBC and memcached stores do: the Java serialization baseline.</li>
 * </ul>
 * {@code compression} is {@code off} (the codecs alone) or {@code default} (values above 16 KB deflated, as shipped).
 * Not a test: run it with the command in the README; {@link #main} prints the stored sizes, then runs JMH.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark
{
    static final int[] TARGET_BYTES = {1024, 10 * 1024, 200 * 1024};

    @Param({"1KB", "10KB", "200KB"})
    public String size;

    @Param({"protostuff", "java", "jetty-java"})
    public String codec;

    @Param({"off", "default"})
    public String compression;

    private SessionData session;
    private Format format;

    /** One way of storing a session. */
    interface Format
    {
        byte[] encode(SessionData data) throws IOException;

        SessionData decode(byte[] bytes) throws Exception;
    }

    @Setup
    public void setUp()
    {
        session = sized(TARGET_BYTES[java.util.List.of("1KB", "10KB", "200KB").indexOf(size)]);
        format = format(codec, compression.equals("off") ? Integer.MAX_VALUE : SessionEnvelope.DEFAULT_COMPRESSION_THRESHOLD);
    }

    @Benchmark
    public SessionData storeAndLoad() throws Exception
    {
        return format.decode(format.encode(session));
    }

    /** @return the realistic session whose Java-serialized attributes come closest to {@code targetBytes} */
    public static SessionData sized(int targetBytes)
    {
        try
        {
            Format java = format("jetty-java", Integer.MAX_VALUE);
            int scale = 0;
            while (java.encode(RealisticSession.of(scale + 1)).length <= targetBytes)
                scale++;
            int below = java.encode(RealisticSession.of(scale)).length;
            int above = java.encode(RealisticSession.of(scale + 1)).length;
            return RealisticSession.of(targetBytes - below <= above - targetBytes ? scale : scale + 1);
        }
        catch (IOException x)
        {
            throw new IllegalStateException(x);
        }
    }

    static Format format(String codec, int compressionThreshold)
    {
        if (codec.equals("jetty-java"))
            return new JettyJava();
        SessionEnvelope envelope = new SessionEnvelope(AttributeCodecs.of(codec, DeserializationFilters.parse(null)),
            compressionThreshold, SessionEnvelope.MAX_SESSION_SIZE, null);
        return new Format()
        {
            @Override
            public byte[] encode(SessionData data) throws IOException
            {
                return envelope.encode(data);
            }

            @Override
            public SessionData decode(byte[] bytes) throws Exception
            {
                return envelope.decode(bytes, new SessionData(SESSION_ID, "_shop", "", 0, 0, 0, 0));
            }
        };
    }

    private static final String SESSION_ID = RealisticSession.of(0).getId();

    /** Jetty's own format: all attributes in one object stream, no envelope, no compression. */
    static final class JettyJava implements Format
    {
        @Override
        public byte[] encode(SessionData data) throws IOException
        {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
            try (ObjectOutputStream out = new ObjectOutputStream(bytes))
            {
                SessionData.serializeAttributes(data, out);
            }
            return bytes.toByteArray();
        }

        @Override
        public SessionData decode(byte[] bytes) throws Exception
        {
            SessionData data = new SessionData("id", "_shop", "", 0, 0, 0, 0);
            try (ClassLoadingObjectInputStream in = new ClassLoadingObjectInputStream(new ByteArrayInputStream(bytes)))
            {
                SessionData.deserializeAttributes(data, in);
            }
            return data;
        }
    }

    public static void main(String[] args) throws Exception
    {
        System.out.println("Stored bytes (compression off / default):");
        System.out.printf("%-8s %-12s %12s %12s%n", "size", "codec", "off", "default");
        for (String size : new String[]{"1KB", "10KB", "200KB"})
        {
            SessionData data = sized(TARGET_BYTES[java.util.List.of("1KB", "10KB", "200KB").indexOf(size)]);
            for (String codec : new String[]{"protostuff", "java", "jetty-java"})
            {
                System.out.printf("%-8s %-12s %12d %12d%n", size, codec, format(codec, Integer.MAX_VALUE).encode(data).length,
                    format(codec, SessionEnvelope.DEFAULT_COMPRESSION_THRESHOLD).encode(data).length);
            }
        }
        OptionsBuilder options = new OptionsBuilder();
        options.include(CodecBenchmark.class.getName());
        if (args.length > 0)
            options.jvmArgsAppend(args);
        new Runner(options.build()).run();
    }
}
