package net.jettymemcached.sessions.http;

import java.util.function.Consumer;

import net.jettymemcached.sessions.MemcachedSessionsConfig;
import org.eclipse.jetty.ee11.servlet.ServletHolder;

/** A {@link JettyNode} serving {@link ObjectServlet} at {@code /app/*}, whose webapp may have a class loader of its own. */
final class CodecJetty
{
    private CodecJetty()
    {
    }

    /** @param webappLoader the webapp's class loader (classes the server and the tests do not have), or null */
    static JettyNode start(String worker, String nodes, ClassLoader webappLoader, Consumer<MemcachedSessionsConfig> settings) throws Exception
    {
        return JettyNode.start(worker, nodes, settings, http -> {}, context ->
        {
            if (webappLoader != null)
                context.setClassLoader(webappLoader);
            context.addServlet(new ServletHolder(new ObjectServlet()), "/app/*");
        });
    }
}
