package net.jettymemcached.sessions.codec.protostuff;

import java.io.IOException;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

import io.protostuff.FilterOutput;
import io.protostuff.GraphProtostuffOutput;
import io.protostuff.ProtostuffOutput;
import io.protostuff.Schema;

/**
 * protostuff's graph output (shared references and cycles) with the {@link StringTable}. Nested messages are routed
 * back through this output, so that every string of the value passes here.
 */
final class StringTableOutput extends FilterOutput<GraphProtostuffOutput>
{
    private final ProtostuffOutput bytes;
    private final Map<Schema<?>, Schema<?>> routed = new IdentityHashMap<>(4);
    /** Each string's first position, replaced by its reference text once it is used. */
    private Map<String, Object> positions;

    /** @param expectedObjects how many objects the value probably holds, to size protostuff's reference table */
    StringTableOutput(ProtostuffOutput bytes, int expectedObjects)
    {
        super(new GraphProtostuffOutput(bytes, Math.max(8, expectedObjects)));
        this.bytes = bytes;
    }

    @Override
    public void writeString(int fieldNumber, CharSequence value, boolean repeated) throws IOException
    {
        if (value instanceof String string && StringTable.isCandidate(string))
        {
            if (positions == null)
                positions = new HashMap<>();
            Object known = positions.get(string);
            if (known != null)
            {
                String reference = known instanceof String r ? r : StringTable.reference((Integer)known);
                if (known != reference)
                    positions.put(string, reference);
                output.writeString(fieldNumber, reference, repeated);
                return;
            }
            if (positions.size() < StringTable.MAX_ENTRIES)
                positions.put(string, bytes.getSize());
        }
        output.writeString(fieldNumber, StringTable.escape(value), repeated);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> void writeObject(int fieldNumber, T value, Schema<T> schema, boolean repeated) throws IOException
    {
        Schema<T> route = (Schema<T>)routed.computeIfAbsent(schema, s -> RoutedSchema.writingTo((Schema<T>)s, this));
        output.writeObject(fieldNumber, value, route, repeated);
    }
}
