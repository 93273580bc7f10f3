package net.jettymemcached.sessions.memcached;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

import net.spy.memcached.ops.OperationCallback;
import net.spy.memcached.ops.OperationState;
import net.spy.memcached.ops.OperationStatus;
import net.spy.memcached.protocol.BaseOperationImpl;

/**
 * A text-protocol meta command queued on spymemcached's connection (it has no meta commands of its own) whose answer
 * is one line: the line is parsed into the result, and an answer that does not parse or no answer at all fails it.
 */
abstract class MetaLineOperation<T> extends BaseOperationImpl
{
    private final String command;
    private final CompletableFuture<T> result;
    private final StringBuilder line = new StringBuilder(32);

    /** @param command the command line without CR LF, also used in failure messages */
    MetaLineOperation(String command, CompletableFuture<T> result)
    {
        this.command = command;
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

    /** @return the result of the answer line; throws a RuntimeException for an answer it does not expect */
    abstract T parse(String answer);

    /** @return the failure of an answer that did not parse */
    Exception unexpected(String answer)
    {
        return new IOException(command + ": unexpected answer '" + answer + "'");
    }

    String command()
    {
        return command;
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
            result.completeExceptionally(unexpected(answer));
        }
        transitionState(OperationState.COMPLETE);
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
