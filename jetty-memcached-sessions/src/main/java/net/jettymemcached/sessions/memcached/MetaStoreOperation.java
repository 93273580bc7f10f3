package net.jettymemcached.sessions.memcached;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * The text protocol's meta set that answers the item's new CAS unique: {@code ms <key> <length> C<cas> T<ttl>
 * F<flags> c} (a CAS write) or {@code ms <key> <length> ME T<ttl> F<flags> c} (an add). memcached 1.6 answers
 * {@code HD c<cas>} when stored, {@code EX} when the CAS did not match, {@code NF} when there is no item to compare
 * with, {@code NS} when an add found one. Knowing the new CAS lets the next write of the same copy replace it in one
 * operation instead of reading its CAS first. spymemcached has no meta commands; this operation is queued on its
 * connection like its own ones (text connections only).
 */
final class MetaStoreOperation extends MetaLineOperation<MetaStoreOperation.Answer>
{
    /** What a meta set answered. */
    record Answer(CasOutcome outcome, long cas)
    {
    }

    private final byte[] value;

    /**
     * @param cas the CAS unique the item must still have, or -1 for an add (store only if there is no item)
     */
    MetaStoreOperation(String key, long cas, int ttl, Item item, CompletableFuture<Answer> result)
    {
        super("ms " + key + " " + item.value().length + (cas < 0 ? " ME" : " C" + cas) + " T" + ttl + " F" + Integer.toUnsignedString(item.flags()) + " c", result);
        this.value = item.value();
    }

    @Override
    public void initialize()
    {
        byte[] header = (command() + "\r\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer buffer = ByteBuffer.allocate(header.length + value.length + 2);
        buffer.put(header).put(value).put((byte)'\r').put((byte)'\n').flip();
        setBuffer(buffer);
    }

    @Override
    Answer parse(String answer)
    {
        return parseAnswer(answer);
    }

    /** A line memcached answers instead (too large, out of memory) is its refusal, not the node failing. */
    @Override
    Exception unexpected(String answer)
    {
        return new WriteRefusedException("memcached refused " + command() + ": " + answer);
    }

    /** @return the outcome of {@code HD c<cas>}, {@code EX}, {@code NF} or {@code NS} */
    static Answer parseAnswer(String answer)
    {
        String[] parts = answer.split(" ");
        CasOutcome outcome = switch (parts[0])
        {
            case "HD" -> CasOutcome.STORED;
            case "EX", "NS" -> CasOutcome.CHANGED;
            case "NF" -> CasOutcome.MISSING;
            default -> throw new IllegalArgumentException(answer);
        };
        long cas = -1;
        for (int i = 1; i < parts.length; i++)
        {
            if (parts[i].startsWith("c"))
                cas = Long.parseLong(parts[i].substring(1));
        }
        return new Answer(outcome, outcome == CasOutcome.STORED ? cas : -1);
    }


}
