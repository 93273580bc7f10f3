package net.jettymemcached.sessions.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A browser that keeps one JSESSIONID cookie and can present it to any Jetty, as a load balancer would after a
 * failover.
 */
public final class SessionClient
{
    private static final Pattern SET_COOKIE = Pattern.compile("JSESSIONID=([^;]*)");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String cookie;

    /** What one request returned. */
    public record Reply(int status, String body, Optional<String> setCookie, long millis)
    {
        public Map<String, String> values()
        {
            Map<String, String> values = new LinkedHashMap<>();
            for (String line : body.split("\\R"))
            {
                int eq = line.indexOf('=');
                if (eq > 0)
                    values.put(line.substring(0, eq), line.substring(eq + 1));
            }
            return values;
        }

        public String value(String name)
        {
            return values().get(name);
        }
    }

    public Reply get(JettyNode jetty, String pathAndQuery) throws IOException, InterruptedException
    {
        return get(jetty.uri(pathAndQuery));
    }

    public Reply get(URI uri) throws IOException, InterruptedException
    {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).GET();
        if (cookie != null)
            request.header("Cookie", "JSESSIONID=" + cookie);
        long start = System.nanoTime();
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        long millis = (System.nanoTime() - start) / 1_000_000;
        Optional<String> setCookie = response.headers().allValues("Set-Cookie").stream()
            .map(SET_COOKIE::matcher).filter(Matcher::find).map(m -> m.group(1)).reduce((a, b) -> b);
        setCookie.ifPresent(c -> cookie = c);
        return new Reply(response.statusCode(), response.body(), setCookie, millis);
    }

    public String cookie()
    {
        return cookie;
    }

    public void setCookie(String cookie)
    {
        this.cookie = cookie;
    }
}
