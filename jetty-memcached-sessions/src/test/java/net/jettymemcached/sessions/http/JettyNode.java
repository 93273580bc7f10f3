package net.jettymemcached.sessions.http;

import java.net.URI;
import java.util.function.Consumer;

import net.jettymemcached.sessions.MemcachedCluster;
import net.jettymemcached.sessions.MemcachedSessions;
import net.jettymemcached.sessions.MemcachedSessionsConfig;
import net.jettymemcached.sessions.MemcachedSessionIdManager;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** One embedded Jetty ("worker") with the test servlet at {@code /app/*} and memcached sessions installed. */
public final class JettyNode implements AutoCloseable, SessionClient.Target
{
    private final Server server;
    private final ServerConnector connector;
    private final MemcachedSessionIdManager idManager;

    private JettyNode(Server server, ServerConnector connector, MemcachedSessionIdManager idManager)
    {
        this.server = server;
        this.connector = connector;
        this.idManager = idManager;
    }

    public static JettyNode start(String worker, String nodes, Consumer<MemcachedSessionsConfig> settings) throws Exception
    {
        return start(worker, nodes, settings, http -> {});
    }

    public static JettyNode start(String worker, String nodes, Consumer<MemcachedSessionsConfig> settings, Consumer<HttpConfiguration> http) throws Exception
    {
        return start(worker, nodes, settings, http, context ->
        {
            ServletHolder app = new ServletHolder(new SessionServlet(worker));
            app.setAsyncSupported(true);
            context.addServlet(app, "/app/*");
            context.addServlet(new ServletHolder(new StaticServlet()), "/static/*");
        });
    }

    /** @param webapp adds the servlets (and may give the context a class loader of its own) */
    public static JettyNode start(String worker, String nodes, Consumer<MemcachedSessionsConfig> settings, Consumer<HttpConfiguration> http,
                                  Consumer<ServletContextHandler> webapp) throws Exception
    {
        return start(worker, nodes, settings, http, webapp, server -> {});
    }

    /**
     * @param serverSetup configures the server once its context is its handler and before memcached sessions are
     *                    installed (as {@code jetty.xml} and modules such as {@code graceful} do before ours)
     */
    public static JettyNode start(String worker, String nodes, Consumer<MemcachedSessionsConfig> settings, Consumer<HttpConfiguration> http,
                                  Consumer<ServletContextHandler> webapp, Consumer<Server> serverSetup) throws Exception
    {
        Server server = new Server();
        HttpConfiguration httpConfig = new HttpConfiguration();
        http.accept(httpConfig);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(httpConfig));
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
        webapp.accept(context);
        server.setHandler(context);
        serverSetup.accept(server);

        MemcachedSessionIdManager idManager = MemcachedSessions.install(server, config);
        idManager.setWorkerName(worker);
        server.start();
        return new JettyNode(server, connector, idManager);
    }

    public URI uri(String pathAndQuery)
    {
        return URI.create("http://127.0.0.1:" + connector.getLocalPort() + pathAndQuery);
    }

    public int port()
    {
        return connector.getLocalPort();
    }

    public MemcachedCluster cluster()
    {
        return idManager.getCluster();
    }

    public Server server()
    {
        return server;
    }

    @Override
    public void close() throws Exception
    {
        server.stop();
    }
}
