package net.jettymemcached.sessions.codec.protostuff;

import java.io.IOException;
import java.io.ObjectInputFilter;

import io.protostuff.ByteArrayInput;
import io.protostuff.GraphByteArrayInput;
import io.protostuff.LinkedBuffer;
import io.protostuff.ProtostuffOutput;
import io.protostuff.Schema;
import net.jettymemcached.sessions.codec.AttributeCodec;
import net.jettymemcached.sessions.codec.protostuff.ProtostuffSchemas.Holder;
import net.jettymemcached.sessions.security.DeserializationFilters;
import net.jettymemcached.sessions.security.DeserializationFilters.Limits;

/**
 * The default codec: protostuff's runtime schema in graph mode, so cycles and shared references survive, enums are
 * stored by name and no class needs a schema or a no-argument constructor; repeated strings, class names above all,
 * are written once ({@link StringTable}). It reports every value it cannot copy
 * faithfully ({@link ProtostuffFidelity}) so that the value goes to Java serialization instead.
 * <p>
 * It runs in a stock Jetty on Java 17 without JVM flags: JDK types are written through their public API (collections
 * from their elements, value types as text) and never through their private fields; the fields of application
 * classes are read and set by reflection, which checks the type of every value stored.
 * <p>
 * Reading admits only what writing produces ({@link ReadingIdStrategy}): a value naming anything else is unreadable,
 * and no code of what it names runs.
 */
public class ProtostuffAttributeCodec implements AttributeCodec
{
    public static final int ID = 2;

    static
    {
        ProtostuffEnvironment.usesSerializationConstructors();
    }

    private static final ThreadLocal<LinkedBuffer> BUFFERS = ThreadLocal.withInitial(() -> LinkedBuffer.allocate(4096));

    private final ProtostuffSchemas schemas;
    private final Limits limits;

    /** With the default deserialization filter. */
    public ProtostuffAttributeCodec()
    {
        this(DeserializationFilters.parse(null));
    }

    /** @param filter checks every application class named in stored bytes before it is used; its caps bound every value */
    public ProtostuffAttributeCodec(ObjectInputFilter filter)
    {
        this.schemas = new ProtostuffSchemas(filter);
        this.limits = DeserializationFilters.limits(filter);
    }

    @Override
    public int id()
    {
        return ID;
    }

    @Override
    public String name()
    {
        return "protostuff";
    }

    @Override
    public boolean canEncode(Object value)
    {
        return ProtostuffFidelity.isFaithful(value);
    }

    @Override
    public byte[] encode(Object value) throws IOException
    {
        Holder holder = new Holder();
        holder.value = value;
        LinkedBuffer buffer = BUFFERS.get();
        try
        {
            ProtostuffOutput output = new ProtostuffOutput(buffer);
            schemas.current().writer().writeTo(new StringTableOutput(output, ProtostuffFidelity.lastGraphSize()), holder);
            return output.toByteArray();
        }
        catch (RuntimeException x)
        {
            throw new IOException("protostuff cannot write " + value.getClass().getName() + ": " + x, x);
        }
        finally
        {
            buffer.clear();
        }
    }

    @Override
    public Object decode(byte[] bytes) throws IOException, ClassNotFoundException
    {
        return decode(bytes, 0, bytes.length);
    }

    @Override
    public Object decode(byte[] bytes, int offset, int length) throws IOException, ClassNotFoundException
    {
        Schema<Holder> reader = schemas.current().reader();
        try
        {
            ValueGuard guard = new ValueGuard(limits, length);
            Holder holder = new Holder();
            ByteArrayInput input = new ByteArrayInput(bytes, offset, length, true);
            GraphByteArrayInput graph = new GraphByteArrayInput(input, Math.max(10, length / 32));
            reader.mergeFrom(new StringTableInput(graph, input, bytes, offset, length, guard), holder);
            input.checkLastTagWas(0);
            return holder.value;
        }
        catch (OutOfMemoryError x)
        {
            // what this value built is garbage once it is dropped; the value is unreadable, the JVM goes on
            throw new IOException("protostuff value exhausted the JVM: " + x, x);
        }
        // a StackOverflowError goes up to AttributeCodecs, which reads the value again on a stack made for its depth
        catch (RuntimeException | LinkageError x)
        {
            // protostuff may wrap the refusal of a class named deep inside the value
            for (Throwable cause = x; cause != null; cause = cause.getCause())
            {
                if (cause instanceof ClassRefusedException refused)
                    throw checked(refused);
            }
            throw new IOException("protostuff cannot read the value: " + x, x);
        }
    }

    private static IOException checked(ClassRefusedException refused) throws ClassNotFoundException
    {
        Exception checked = refused.toChecked();
        if (checked instanceof ClassNotFoundException missing)
            throw missing;
        return (IOException)checked;
    }
}
