package net.jettymemcached.sessions.http;

import java.net.URI;
import java.util.function.Consumer;

import net.jettymemcached.sessions.MemcachedCluster;
import net.jettymemcached.sessions.MemcachedSessions;
import net.jettymemcached.sessions.config.MemcachedSessionsConfig;
import net.jettymemcached.sessions.id.MemcachedSessionIdManager;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * One embedded Jetty with {@link ObjectServlet} at {@code /app/*}, like {@link JettyNode}, whose webapp may have a
 * class loader of its own (classes the server and the tests do not have).
 */
final class CodecJetty implements AutoCloseable
{
    private final Server server;
    private final ServerConnector connector;
    private final MemcachedSessionIdManager idManager;

    private CodecJetty(Server server, ServerConnector connector, MemcachedSessionIdManager idManager)
    {
        this.server = server;
        this.connector = connector;
        this.idManager = idManager;
    }

    /** @param webappLoader the webapp's class loader, or null for the test's own */
    static CodecJetty start(String worker, String nodes, ClassLoader webappLoader, Consumer<MemcachedSessionsConfig> settings) throws Exception
    {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);

        MemcachedSessionsConfig config = new MemcachedSessionsConfig();
        config.setNodes(nodes);
        config.setBackupAsync(false);
        config.setNodeProbeIntervalMillis(200);
        config.setOperationTimeoutMillis(1000);
        settings.accept(config);
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
        context.setContextPath("/");
        if (webappLoader != null)
            context.setClassLoader(webappLoader);
        context.addServlet(new ServletHolder(new ObjectServlet()), "/app/*");
        server.setHandler(context);

        MemcachedSessionIdManager idManager = MemcachedSessions.install(server, config);
        idManager.setWorkerName(worker);
        server.start();
        return new CodecJetty(server, connector, idManager);
    }

    URI uri(String pathAndQuery)
    {
        return URI.create("http://127.0.0.1:" + connector.getLocalPort() + pathAndQuery);
    }

    MemcachedCluster cluster()
    {
        return idManager.getCluster();
    }

    @Override
    public void close() throws Exception
    {
        server.stop();
    }
}
