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
 * The text protocol's meta get {@code mg <key> c f}: an item's CAS unique and flags without its value (memcached
 * 1.6 answers {@code HD c<cas> f<flags>}, or {@code EN} for a missing item). spymemcached has no meta commands; this
 * operation is queued on its connection like its own ones (text connections only).
 */
final class MetaStampOperation extends BaseOperationImpl
{
    private final String key;
    private final CompletableFuture<Stamp> result;
    private final StringBuilder line = new StringBuilder(32);

    MetaStampOperation(String key, CompletableFuture<Stamp> result)
    {
        this.key = key;
        this.result = result;
        setCallback(new OperationCallback()
        {
            @Override
            public void receivedStatus(OperationStatus status)
            {
                if (!status.isSuccess() && !result.isDone())
                    result.completeExceptionally(new IOException("mg " + key + ": " + status.getMessage()));
            }

            @Override
            public void complete()
            {
                if (!result.isDone())
                    result.completeExceptionally(new IOException("mg " + key + ": no answer"));
            }
        });
    }

    @Override
    public void initialize()
    {
        setBuffer(ByteBuffer.wrap(("mg " + key + " c f\r\n").getBytes(StandardCharsets.US_ASCII)));
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
            result.completeExceptionally(new IOException("mg " + key + ": unexpected answer '" + answer + "'"));
        }
        transitionState(OperationState.COMPLETE);
    }

    /** @return the stamp of {@code HD c<cas> f<flags>}, null for {@code EN} */
    static Stamp parse(String answer)
    {
        if (answer.equals("EN"))
            return null;
        String[] parts = answer.split(" ");
        if (!parts[0].equals("HD"))
            throw new IllegalArgumentException(answer);
        long cas = -1;
        long flags = -1;
        for (int i = 1; i < parts.length; i++)
        {
            if (parts[i].startsWith("c"))
                cas = Long.parseLong(parts[i].substring(1));
            else if (parts[i].startsWith("f"))
                flags = Long.parseLong(parts[i].substring(1));
        }
        if (cas < 0 || flags < 0)
            throw new IllegalArgumentException(answer);
        return new Stamp(cas, (int)flags);
    }

    @Override
    public byte[] getErrorMsg()
    {
        return null;
    }

    @Override
    public String toString()
    {
        return "mg " + key + " c f";
    }
}
