import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The demo's load balancer (JDK only, run as {@code java Balancer.java <host> <port> <sticky|round-robin> wA=http://... wB=http://...}).
 * Sticky: a request goes to the worker named by the JSESSIONID cookie suffix ({@code <id>.<worker>}, like
 * mod_jk's jvmRoute); new sessions and dead workers are served round-robin by the others. Round-robin: every
 * request goes to the next worker. A worker that refuses the connection is skipped, so a killed Jetty only costs its
 * sessions a move to another worker, never an error.
 */
public class Balancer
{
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "transfer-encoding", "upgrade", "host", "content-length", "expect");

    private final Map<String, URI> workers = new LinkedHashMap<>();
    private final boolean sticky;
    private final AtomicInteger next = new AtomicInteger();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).followRedirects(HttpClient.Redirect.NEVER).build();

    private Balancer(boolean sticky)
    {
        this.sticky = sticky;
    }

    public static void main(String[] args) throws IOException
    {
        Balancer balancer = new Balancer("sticky".equals(args[2]));
        for (int i = 3; i < args.length; i++)
        {
            String[] worker = args[i].split("=", 2);
            balancer.workers.put(worker[0], URI.create(worker[1]));
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(args[0], Integer.parseInt(args[1])), 64);
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.createContext("/", balancer::handle);
        server.start();
        System.out.println("balancer listening on http://" + args[0] + ":" + args[1] + " (" + args[2] + ") -> " + balancer.workers);
    }

    private void handle(HttpExchange exchange) throws IOException
    {
        try (exchange)
        {
            byte[] body = exchange.getRequestBody().readAllBytes();
            List<String> order = order(exchange.getRequestHeaders().getOrDefault("Cookie", List.of()));
            for (String worker : order)
            {
                HttpResponse<InputStream> response;
                try
                {
                    response = client.send(request(exchange, workers.get(worker), body), HttpResponse.BodyHandlers.ofInputStream());
                }
                catch (ConnectException | HttpConnectTimeoutException x)
                {
                    System.out.println("balancer: worker " + worker + " is not answering (" + x + "), trying the next one");
                    continue;
                }
                catch (InterruptedException x)
                {
                    Thread.currentThread().interrupt();
                    break;
                }
                response.headers().map().forEach((name, values) ->
                {
                    if (!HOP_BY_HOP.contains(name.toLowerCase()) && !name.startsWith(":"))
                        exchange.getResponseHeaders().put(name, values);
                });
                exchange.getResponseHeaders().set("X-Demo-Balanced-To", worker);
                int status = response.statusCode();
                java.util.OptionalLong declared = response.headers().firstValueAsLong("content-length");
                boolean noBody = status == 204 || status == 304 || exchange.getRequestMethod().equals("HEAD");
                // sendResponseHeaders: -1 = no body, 0 = chunked, n = exactly n bytes
                long length = noBody ? -1 : declared.isPresent() ? (declared.getAsLong() == 0 ? -1 : declared.getAsLong()) : 0;
                exchange.sendResponseHeaders(status, length);
                try (InputStream in = response.body(); OutputStream out = exchange.getResponseBody())
                {
                    in.transferTo(out);
                }
                return;
            }
            byte[] message = ("no worker is answering: " + order + "\n").getBytes();
            exchange.sendResponseHeaders(503, message.length);
            exchange.getResponseBody().write(message);
        }
    }

    /** Workers to try, in order: the session's worker first (sticky), then round-robin. */
    private List<String> order(List<String> cookieHeaders)
    {
        List<String> names = new java.util.ArrayList<>(workers.keySet());
        java.util.Collections.rotate(names, -Math.floorMod(next.getAndIncrement(), names.size()));
        if (sticky)
        {
            for (String header : cookieHeaders)
            {
                for (String cookie : header.split(";"))
                {
                    String c = cookie.trim();
                    if (c.startsWith("JSESSIONID=") && c.lastIndexOf('.') > 0)
                    {
                        String worker = c.substring(c.lastIndexOf('.') + 1);
                        if (names.remove(worker))
                            names.add(0, worker);
                    }
                }
            }
        }
        return names;
    }

    private static HttpRequest request(HttpExchange exchange, URI worker, byte[] body)
    {
        URI uri = worker.resolve(exchange.getRequestURI().getRawPath() + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
            .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) ->
        {
            if (!HOP_BY_HOP.contains(name.toLowerCase()))
                values.forEach(value -> request.header(name, value));
        });
        request.header("X-Forwarded-For", exchange.getRemoteAddress().getAddress().getHostAddress());
        return request.build();
    }
}
