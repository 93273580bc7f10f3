package net.jettymemcached.sessions.memcached;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

import net.spy.memcached.ops.OperationCallback;
import net.spy.memcached.ops.OperationState;
import net.spy.memcached.ops.OperationStatus;
import net.spy.memcached.protocol.BaseOperationImpl;

/**
 * The text protocol's meta set that answers the item's new CAS unique: {@code ms <key> <length> C<cas> T<ttl>
 * F<flags> c} (a CAS write) or {@code ms <key> <length> ME T<ttl> F<flags> c} (an add). memcached 1.6 answers
 * {@code HD c<cas>} when stored, {@code EX} when the CAS did not match, {@code NF} when there is no item to compare
 * with, {@code NS} when an add found one. Knowing the new CAS lets the next write of the same copy replace it in one
 * operation instead of reading its CAS first. spymemcached has no meta commands; this operation is queued on its
 * connection like its own ones (text connections only).
 */
final class MetaStoreOperation extends BaseOperationImpl
{
    /** What a meta set answered. */
    record Answer(CasOutcome outcome, long cas)
    {
    }

    private final String key;
    private final String command;
    private final byte[] value;
    private final CompletableFuture<Answer> result;
    private final StringBuilder line = new StringBuilder(32);

    /**
     * @param cas the CAS unique the item must still have, or -1 for an add (store only if there is no item)
     */
    MetaStoreOperation(String key, long cas, int ttl, Item item, CompletableFuture<Answer> result)
    {
        this.key = key;
        this.value = item.value();
        this.command = "ms " + key + " " + value.length + (cas < 0 ? " ME" : " C" + cas) + " T" + ttl + " F" + Integer.toUnsignedString(item.flags()) + " c";
        this.result = result;
        setCallback(new OperationCallback()
        {
            @Override
            public void receivedStatus(OperationStatus status)
            {
                if (!status.isSuccess() && !result.isDone())
                    result.completeExceptionally(new IOException(command + ": " + status.getMessage()));
            }

            @Override
            public void complete()
            {
                if (!result.isDone())
                    result.completeExceptionally(new IOException(command + ": no answer"));
            }
        });
    }

    @Override
    public void initialize()
    {
        byte[] header = (command + "\r\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer buffer = ByteBuffer.allocate(header.length + value.length + 2);
        buffer.put(header).put(value).put((byte)'\r').put((byte)'\n').flip();
        setBuffer(buffer);
    }

    @Override
    public void readFromBuffer(ByteBuffer data)
    {
        while (data.hasRemaining() && getState() != OperationState.COMPLETE)
        {
            byte b = data.get();
            if (b == '\n')
                answered(line.toString());
            else if (b != '\r')
                line.append((char)b);
        }
    }

    private void answered(String answer)
    {
        try
        {
            result.complete(parse(answer));
        }
        catch (RuntimeException x)
        {
            result.completeExceptionally(new WriteRefusedException("memcached refused " + command + ": " + answer));
        }
        transitionState(OperationState.COMPLETE);
    }

    /** @return the outcome of {@code HD c<cas>}, {@code EX}, {@code NF} or {@code NS} */
    static Answer parse(String answer)
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

    @Override
    public byte[] getErrorMsg()
    {
        return null;
    }

    @Override
    public String toString()
    {
        return command;
    }
}
