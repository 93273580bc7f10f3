package net.jettymemcached.sessions.memcached;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import net.jettymemcached.sessions.node.MemcachedNode;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.FailureMode;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.auth.AuthDescriptor;
import net.spy.memcached.internal.OperationFuture;
import net.spy.memcached.ops.OperationStatus;

/**
 * Talks to exactly one memcached node. One spymemcached client per node makes routing explicit: a key can never be
 * redistributed to another server, and {@link FailureMode#Cancel} makes operations on a disconnected node fail at
 * once instead of queueing. Every operation waits at most the operation timeout and every write's result is checked.
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
    private final MemcachedClient client;

    /** @param username SASL PLAIN user (binary protocol only), or null */
    public NodeClient(MemcachedNode node, long timeoutMs, Protocol protocol, String username, String password) throws IOException
    {
        this.node = node;
        this.timeoutMs = timeoutMs;
        ConnectionFactoryBuilder builder = new ConnectionFactoryBuilder()
            .setProtocol(protocol == Protocol.BINARY ? ConnectionFactoryBuilder.Protocol.BINARY : ConnectionFactoryBuilder.Protocol.TEXT)
            .setOpTimeout(timeoutMs)
            .setFailureMode(FailureMode.Cancel)
            .setDaemon(true)
            .setUseNagleAlgorithm(false)
            .setMaxReconnectDelay(1)
            .setTimeoutExceptionThreshold(2);
        if (username != null && !username.isEmpty())
            builder.setAuthDescriptor(AuthDescriptor.typical(username, password == null ? "" : password));
        this.client = new MemcachedClient(builder.build(), List.of(node.socketAddress()));
    }

    public MemcachedNode node()
    {
        return node;
    }

    /** @return the value, or null if the key is absent */
    public byte[] get(String key) throws NodeUnavailableException
    {
        return await(client.asyncGet(key, ByteArrayTranscoder.INSTANCE), "get");
    }

    /** Stores the value; throws unless memcached confirmed it. */
    public void set(String key, int ttl, byte[] value) throws MemcachedAccessException
    {
        OperationFuture<Boolean> future = client.set(key, ttl, value, ByteArrayTranscoder.INSTANCE);
        checkStored(future, "set", key, value.length);
    }

    /** Stores the value only if the key is absent. @return false if it was present */
    public boolean add(String key, int ttl, byte[] value) throws MemcachedAccessException
    {
        return Boolean.TRUE.equals(await(client.add(key, ttl, value, ByteArrayTranscoder.INSTANCE), "add"));
    }

    /**
     * Appends bytes to an existing value (its expiry is unchanged).
     *
     * @return false if there is no value under the key
     */
    public boolean append(String key, byte[] value) throws NodeUnavailableException
    {
        return Boolean.TRUE.equals(await(client.append(key, value, ByteArrayTranscoder.INSTANCE), "append"));
    }

    /** @return true if a value was deleted, false if there was none */
    public boolean delete(String key) throws NodeUnavailableException
    {
        return Boolean.TRUE.equals(await(client.delete(key), "delete"));
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

    private <T> T await(Future<T> future, String op) throws NodeUnavailableException
    {
        try
        {
            return future.get(timeoutMs, TimeUnit.MILLISECONDS);
        }
        catch (TimeoutException x)
        {
            future.cancel(true);
            throw new NodeUnavailableException("memcached node " + node + " did not answer " + op + " within " + timeoutMs + " ms");
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
            throw new NodeUnavailableException("memcached node " + node + " failed " + op + ": " + describe(cause));
        }
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
