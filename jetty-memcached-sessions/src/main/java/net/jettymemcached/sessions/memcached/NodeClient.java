package net.jettymemcached.sessions.memcached;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import net.jettymemcached.sessions.node.MemcachedNode;
import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.FailureMode;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.internal.GetFuture;
import net.spy.memcached.internal.OperationFuture;
import net.spy.memcached.ops.OperationStatus;
import net.spy.memcached.ops.StatusCode;

/**
 * Talks to exactly one memcached node. One spymemcached client per node makes routing explicit: a key can never be
 * redistributed to another server, and {@link FailureMode#Cancel} makes operations on a disconnected node fail at
 * once instead of queueing. Every operation waits at most the operation timeout and every result is checked: a read
 * that found nothing is a miss only when memcached said so (a node that refused the login answers every command with
 * an error, which spymemcached hands over as an empty result).
 */
public class NodeClient implements AutoCloseable
{
    static
    {
        // spymemcached logs through its own stderr logger unless told otherwise; ours avoids reconnect floods.
        if (System.getProperty("net.spy.log.LoggerImpl") == null)
            System.setProperty("net.spy.log.LoggerImpl", SpyLogger.class.getName());
    }

    private static final String PROBE_KEY = "jms:probe";

    private final MemcachedNode node;
    private final long timeoutMs;
    private final Protocol protocol;
    private final MemcachedClient client;
    private final SaslLogin login;

    /** @param login logs in to the node with SASL (binary protocol only), or null */
    public NodeClient(MemcachedNode node, long timeoutMs, Protocol protocol, SaslLogin login) throws IOException
    {
        this.node = node;
        this.protocol = protocol;
        this.timeoutMs = timeoutMs;
        this.login = login;
        ConnectionFactoryBuilder builder = new ConnectionFactoryBuilder()
            .setProtocol(protocol == Protocol.BINARY ? ConnectionFactoryBuilder.Protocol.BINARY : ConnectionFactoryBuilder.Protocol.TEXT)
            .setOpTimeout(timeoutMs)
            .setFailureMode(FailureMode.Cancel)
            .setDaemon(true)
            .setUseNagleAlgorithm(false)
            .setMaxReconnectDelay(1)
            .setTimeoutExceptionThreshold(2);
        if (login != null)
        {
            if (protocol != Protocol.BINARY)
                throw new IllegalArgumentException("SASL needs the binary protocol");
            builder.setOpFact(login.operationFactory()).setAuthDescriptor(login.descriptor());
        }
        this.client = new MemcachedClient(builder.build(), List.of(node.socketAddress()));
    }

    public MemcachedNode node()
    {
        return node;
    }

    /** @return the value, or null if the key is absent */
    public byte[] get(String key) throws NodeUnavailableException
    {
        GetFuture<Item> future = client.asyncGet(key, ItemTranscoder.INSTANCE);
        Item item = await(future, "get");
        if (item == null)
            requireMiss(future.getStatus(), "get");
        return item == null ? null : item.value();
    }

    /** @return why this node cannot be used although it may answer (its SASL login was refused), or null */
    public String loginRefusal()
    {
        return login == null ? null : login.refusal();
    }

    /** @return the item with its CAS unique, or null if the key is absent */
    public Fetched gets(String key) throws NodeUnavailableException
    {
        return getsAsync(key).await();
    }

    /** Sends a {@code gets}; the answer is the item with its CAS unique, or null if the key is absent. */
    public Pending<Fetched> getsAsync(String key)
    {
        OperationFuture<CASValue<Item>> future = client.asyncGets(key, ItemTranscoder.INSTANCE);
        return new Pending<>(future, (CASValue<Item> value) ->
        {
            if (value == null)
                requireMiss(future.getStatus(), "gets");
            return value == null ? null : new Fetched(value.getValue(), value.getCas());
        }, "memcached node " + node + " gets", timeoutMs, () -> future.cancel(true), this::loginRefusal);
    }

    /**
     * @return the item's CAS unique and flags without its value (text protocol: a meta get; binary: the whole item
     * is read), or null if the key is absent
     */
    public Stamp stamp(String key) throws NodeUnavailableException
    {
        return stampAsync(key).await();
    }

    /** Sends the request for {@link #stamp}. */
    public Pending<Stamp> stampAsync(String key)
    {
        if (protocol == Protocol.BINARY)
        {
            OperationFuture<CASValue<Item>> future = client.asyncGets(key, ItemTranscoder.INSTANCE);
            return new Pending<>(future, (CASValue<Item> value) ->
            {
                if (value == null)
                    requireMiss(future.getStatus(), "gets");
                return value == null ? null : new Stamp(value.getCas(), value.getValue().flags());
            }, "memcached node " + node + " gets", timeoutMs, () -> future.cancel(true), this::loginRefusal);
        }
        CompletableFuture<Stamp> result = new CompletableFuture<>();
        MetaStampOperation op = new MetaStampOperation(key, result);
        client.getConnection().enqueueOperation(key, op);
        return new Pending<>(result, (Stamp stamp) -> stamp, "memcached node " + node + " mg", timeoutMs, op::cancel, this::loginRefusal);
    }

    /** Stores the item; throws unless memcached confirmed it. */
    public void set(String key, int ttl, Item item) throws MemcachedAccessException
    {
        OperationFuture<Boolean> future = client.set(key, ttl, item, ItemTranscoder.INSTANCE);
        checkStored(future, "set", key, item.value().length);
    }

    /** Stores the item only if the key is absent. @return false if it was present */
    public boolean add(String key, int ttl, Item item) throws MemcachedAccessException
    {
        OperationFuture<Boolean> future = client.add(key, ttl, item, ItemTranscoder.INSTANCE);
        Boolean stored = await(future, "add");
        if (Boolean.TRUE.equals(stored))
            return true;
        OperationStatus status = future.getStatus();
        if (status != null && status.getStatusCode() == StatusCode.ERR_EXISTS || status != null && status.getStatusCode() == StatusCode.ERR_NOT_STORED)
            return false;
        throw new WriteRefusedException("memcached node " + node + " refused add of " + key + " (" + item.value().length + " bytes): " +
            (status == null ? "no status" : status.getMessage()));
    }

    /** Stores the item only if it is unchanged since {@code cas} was read. */
    public CasOutcome cas(String key, long cas, int ttl, Item item) throws MemcachedAccessException
    {
        OperationFuture<CASResponse> future = client.asyncCAS(key, cas, ttl, item, ItemTranscoder.INSTANCE);
        CASResponse response = await(future, "cas");
        if (response == null)
            throw new WriteRefusedException("memcached node " + node + " refused cas of " + key + ": no answer");
        return switch (response)
        {
            case OK -> CasOutcome.STORED;
            case EXISTS -> CasOutcome.CHANGED;
            case NOT_FOUND -> CasOutcome.MISSING;
            default -> throw new WriteRefusedException("memcached node " + node + " refused cas of " + key + " (" + item.value().length + " bytes): " + response);
        };
    }

    /**
     * A conditional write ({@code cas >= 0}: only over the item with that CAS unique; {@code cas < 0}: an add, only
     * where there is no item) that also tells the item's new CAS unique, so that this copy's next write needs no read
     * of it first: a meta set with the text protocol. The binary protocol has no such answer here: it writes with
     * {@link #cas} or {@link #add}, and the new CAS is unknown (-1).
     */
    public Stored store(String key, long cas, int ttl, Item item) throws MemcachedAccessException
    {
        if (protocol == Protocol.BINARY)
        {
            if (cas < 0)
                return new Stored(add(key, ttl, item) ? CasOutcome.STORED : CasOutcome.CHANGED, -1);
            return new Stored(cas(key, cas, ttl, item), -1);
        }
        CompletableFuture<MetaStoreOperation.Answer> result = new CompletableFuture<>();
        MetaStoreOperation op = new MetaStoreOperation(key, cas, ttl, item, result);
        client.getConnection().enqueueOperation(key, op);
        MetaStoreOperation.Answer answer;
        try
        {
            answer = await(result, cas < 0 ? "add" : "cas");
        }
        catch (NodeUnavailableException x)
        {
            // An answer memcached gave (too large, out of memory) is its refusal, not the node failing.
            WriteRefusedException refused = result.handle((a, failure) -> failure instanceof WriteRefusedException r ? r : null).getNow(null);
            if (refused != null)
                throw new WriteRefusedException("memcached node " + node + " " + refused.getMessage().substring("memcached ".length()) + " (" + item.value().length + " bytes)");
            op.cancel();
            throw x;
        }
        return new Stored(answer.outcome(), answer.cas());
    }

    /** The outcome of {@link #store} and, when stored, the item's new CAS unique (-1 if unknown). */
    public record Stored(CasOutcome outcome, long cas)
    {
    }

    /**
     * Appends bytes to an existing value (its expiry and flags are unchanged).
     *
     * @return false if there is no value under the key
     */
    public boolean append(String key, byte[] value) throws NodeUnavailableException
    {
        OperationFuture<Boolean> future = client.append(key, new Item(value, 0), ItemTranscoder.INSTANCE);
        if (Boolean.TRUE.equals(await(future, "append")))
            return true;
        requireMiss(future.getStatus(), "append");
        return false;
    }

    /**
     * Deletes the item only if it is unchanged since {@code cas} was read. The text protocol has no conditional
     * delete: a {@code cas} with a negative expiry stores an item that is expired at once. The binary protocol reads a
     * negative expiry as a time in 2106, so there it is a delete with the CAS set.
     */
    public CasOutcome deleteIfUnchanged(String key, long cas) throws MemcachedAccessException
    {
        if (protocol == Protocol.TEXT)
            return cas(key, cas, -1, new Item(new byte[0], 0));
        OperationFuture<Boolean> future = client.delete(key, cas);
        if (Boolean.TRUE.equals(await(future, "delete")))
            return CasOutcome.STORED;
        OperationStatus status = future.getStatus();
        if (status != null && status.getStatusCode() == StatusCode.ERR_NOT_FOUND)
            return CasOutcome.MISSING;
        if (status != null && status.getStatusCode() == StatusCode.ERR_EXISTS)
            return CasOutcome.CHANGED;
        throw new WriteRefusedException("memcached node " + node + " refused delete of " + key + ": " + (status == null ? "no status" : status.getMessage()));
    }

    /** @return true if a value was deleted, false if there was none */
    public boolean delete(String key) throws NodeUnavailableException
    {
        OperationFuture<Boolean> future = client.delete(key);
        if (Boolean.TRUE.equals(await(future, "delete")))
            return true;
        requireMiss(future.getStatus(), "delete");
        return false;
    }

    /** @return true if the node answers a get within the timeout */
    public boolean probe()
    {
        try
        {
            get(PROBE_KEY);
            return true;
        }
        catch (NodeUnavailableException | RuntimeException x)
        {
            return false;
        }
    }

    private void checkStored(OperationFuture<Boolean> future, String op, String key, int size) throws MemcachedAccessException
    {
        Boolean stored = await(future, op);
        if (!Boolean.TRUE.equals(stored))
        {
            OperationStatus status = future.getStatus();
            throw new WriteRefusedException("memcached node " + node + " refused " + op + " of " + key + " (" + size + " bytes): " +
                (status == null ? "no status" : status.getMessage()));
        }
    }

    /**
     * An empty answer is a miss only if memcached said "not found" (or "not stored" for append); any other failure
     * (a refused login's "Auth failure.", an error the client made of a broken answer) means the node did not answer.
     */
    private void requireMiss(OperationStatus status, String op) throws NodeUnavailableException
    {
        if (status == null || status.isSuccess())
            return;
        StatusCode code = status.getStatusCode();
        if (code == StatusCode.ERR_NOT_FOUND || code == StatusCode.ERR_NOT_STORED)
            return;
        throw unavailable("memcached node " + node + " failed " + op + ": " + status.getMessage());
    }

    private <T> T await(Future<T> future, String op) throws NodeUnavailableException
    {
        try
        {
            return future.get(timeoutMs, TimeUnit.MILLISECONDS);
        }
        catch (TimeoutException x)
        {
            future.cancel(true);
            throw unavailable("memcached node " + node + " did not answer " + op + " within " + timeoutMs + " ms");
        }
        catch (InterruptedException x)
        {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new NodeUnavailableException("interrupted while waiting for memcached node " + node);
        }
        catch (ExecutionException | RuntimeException x)
        {
            Throwable cause = x instanceof ExecutionException && x.getCause() != null ? x.getCause() : x;
            throw unavailable("memcached node " + node + " failed " + op + ": " + describe(cause));
        }
    }

    /** A refused login is why nothing works on this node: said instead of what the operation saw of it. */
    private NodeUnavailableException unavailable(String otherwise)
    {
        String refusal = loginRefusal();
        return new NodeUnavailableException(refusal == null ? otherwise : "memcached node " + node + ": " + refusal);
    }

    private static String describe(Throwable x)
    {
        String message = x.getMessage();
        return x.getClass().getSimpleName() + (message == null ? "" : " " + message);
    }

    /** Closes the connection and stops every thread of the client. */
    @Override
    public void close()
    {
        client.shutdown(2, TimeUnit.SECONDS);
    }

    @Override
    public String toString()
    {
        return "NodeClient[" + node + "]";
    }
}
