package net.jettymemcached.sessions.bench;

import java.nio.file.Path;
import java.util.function.Consumer;

import net.jettymemcached.sessions.MemcachedCluster;
import net.jettymemcached.sessions.MemcachedSessions;
import net.jettymemcached.sessions.MemcachedSessionsConfig;
import net.jettymemcached.sessions.MemcachedSessionIdManager;
import net.jettymemcached.sessions.store.MemcachedSessionDataStoreFactory;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.session.DefaultSessionCacheFactory;
import org.eclipse.jetty.session.FileSessionDataStoreFactory;
import org.eclipse.jetty.session.NullSessionDataStoreFactory;

/**
 * One embedded Jetty on 127.0.0.1 (ephemeral port) with {@link BenchServlet} at {@code /app/*} in a
 * {@code ServletContextHandler} with sessions, and one of the session set-ups the load benchmark compares. Modeled on
 * the tests' {@code JettyNode}, but with each store's own defaults (no test-speed tuning of the memcached settings).
 */
final class BenchServer implements AutoCloseable
{
    private final Server server;
    private final ServerConnector connector;

    private BenchServer(Server server, ServerConnector connector)
    {
        this.server = server;
        this.connector = connector;
    }

    /** Plain Jetty: {@code DefaultSessionCache} over a {@code NullSessionDataStore} (sessions live in the heap only). */
    static BenchServer inMemory() throws Exception
    {
        return start(server ->
        {
            server.addBean(new DefaultSessionCacheFactory());
            server.addBean(new NullSessionDataStoreFactory());
        });
    }

    /** Plain Jetty: {@code DefaultSessionCache} over a {@code FileSessionDataStore} in {@code dir}, Jetty's defaults. */
    static BenchServer fileStore(Path dir) throws Exception
    {
        return start(server ->
        {
            server.addBean(new DefaultSessionCacheFactory());
            FileSessionDataStoreFactory files = new FileSessionDataStoreFactory();
            files.setStoreDir(dir.toFile());
            server.addBean(files);
        });
    }

    /** This module, installed as an embedding application would: {@code MemcachedSessions.install}, worker {@code w1}. */
    static BenchServer memcached(String nodes, Consumer<MemcachedSessionsConfig> settings) throws Exception
    {
        return memcached(nodes, settings, 0);
    }

    /**
     * As {@link #memcached(String, Consumer)} with Jetty's {@code savePeriod} (what {@code jetty.session.savePeriod.seconds}
     * sets): a request that changes nothing is not stored at all within that period after the last write.
     */
    static BenchServer memcached(String nodes, Consumer<MemcachedSessionsConfig> settings, int savePeriodSec) throws Exception
    {
        MemcachedSessionsConfig config = new MemcachedSessionsConfig();
        config.setNodes(nodes);
        settings.accept(config);
        config.setSavePeriodSec(savePeriodSec);
        return start(server -> MemcachedSessions.install(server, config).setWorkerName("w1"));
    }

    private static BenchServer start(Consumer<Server> sessions) throws Exception
    {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory());
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
        context.setContextPath("/");
        context.addServlet(new ServletHolder(new BenchServlet()), "/app/*");
        server.setHandler(context);
        sessions.accept(server); // after setHandler, as the module's XML runs after jetty.xml
        try
        {
            server.start();
        }
        catch (Exception x)
        {
            server.stop();
            throw x;
        }
        return new BenchServer(server, connector);
    }

    int port()
    {
        return connector.getLocalPort();
    }

    @Override
    public void close() throws Exception
    {
        server.stop();
    }
}
