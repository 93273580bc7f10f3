package net.jettymemcached.sessions.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A small cluster of real memcached processes with ids {@code n1..nN}, so tests can describe
 * the cluster to the code under test ({@link #nodesProperty()}) and then crash or hang single nodes.
 */
public final class MemcachedNodes implements AutoCloseable {

    private final List<MemcachedProcess> nodes;

    private MemcachedNodes(List<MemcachedProcess> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    /** Starts {@code count} nodes in parallel; if any fails, the ones already started are killed. */
    public static MemcachedNodes start(int count) {
        return start(count, null);
    }

    /**
     * Starts {@code count} nodes with SASL authentication ({@code memcached -S}) against one database, or without
     * when it is null.
     */
    public static MemcachedNodes start(int count, SaslDatabase sasl) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1: " + count);
        }
        List<CompletableFuture<MemcachedProcess>> futures = IntStream.rangeClosed(1, count)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> MemcachedProcess.start("n" + i, sasl)))
                .collect(Collectors.toList());
        List<MemcachedProcess> started = new ArrayList<>();
        RuntimeException failure = null;
        for (CompletableFuture<MemcachedProcess> f : futures) {
            try {
                started.add(f.join());
            } catch (CompletionException e) {
                RuntimeException cause = e.getCause() instanceof RuntimeException
                        ? (RuntimeException) e.getCause() : e;
                if (failure == null) {
                    failure = cause;
                } else {
                    failure.addSuppressed(cause);
                }
            }
        }
        if (failure != null) {
            started.forEach(MemcachedProcess::close);
            throw failure;
        }
        return new MemcachedNodes(started);
    }

    /** The node with the given id, e.g. {@code "n2"}. */
    public MemcachedProcess node(String id) {
        return nodes.stream().filter(n -> n.nodeId().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node " + id + " in " + nodesProperty()));
    }

    /** The node at a ZERO-based index: {@code node(0)} is {@code "n1"}. */
    public MemcachedProcess node(int index) {
        return nodes.get(index);
    }

    public List<MemcachedProcess> all() {
        return nodes;
    }

    /** The sum of one memcached {@code stats} counter over every running node. */
    public long sumStat(String name) {
        long total = 0;
        for (MemcachedProcess node : all()) {
            if (!node.isRunning())
                continue;
            if (node.sasl() != null) {
                try (MemcachedBinaryClient client = MemcachedBinaryClient.of(node)) {
                    total += client.stat(name);
                }
                continue;
            }
            try (MemcachedTextClient client = MemcachedTextClient.of(node)) {
                total += client.stat(name);
            }
        }
        return total;
    }

    /** Space-separated {@code id:host:port} list, e.g. {@code "n1:127.0.0.1:40001 n2:127.0.0.1:40002"}. */
    public String nodesProperty() {
        return nodes.stream().map(n -> n.nodeId() + ":" + n.host() + ":" + n.port())
                .collect(Collectors.joining(" "));
    }

    /** Kills every node. */
    @Override
    public void close() {
        nodes.forEach(MemcachedProcess::close);
    }

    @Override
    public String toString() {
        return nodesProperty();
    }
}
