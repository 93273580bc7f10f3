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
 * failover. Shared by the library's HTTP tests (embedded Jettys) and the black-box it-tests (Jetty processes); both
 * test webapps answer with {@code name=value} lines.
 */
public final class SessionClient
{
    private static final Pattern SET_COOKIE = Pattern.compile("JSESSIONID=([^;]*)");

    /** A Jetty that requests can be sent to. */
    public interface Target
    {
        /** @return the URI of {@code pathAndQuery} (starting with {@code /}) on this Jetty */
        URI uri(String pathAndQuery);
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String cookie;

    /** What one request returned. */
    public record Reply(int status, String body, Optional<String> setCookie, long millis)
    {
        /** The {@code name=value} lines of the body. */
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

        /** An attribute as the it-tests webapp lists it: {@code attr.<name>=<value>}. */
        public String attr(String name)
        {
            return value("attr." + name);
        }
    }

    /** GET {@code pathAndQuery} on {@code jetty}; a JSESSIONID in Set-Cookie replaces the held cookie. */
    public Reply get(Target jetty, String pathAndQuery) throws IOException, InterruptedException
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

    /** @return the current cookie value, {@code <random>-<node>.<worker>} */
    public String cookie()
    {
        return cookie;
    }

    public void setCookie(String cookie)
    {
        this.cookie = cookie;
    }

    /** {@code <random>} of a cookie value {@code <random>-<node>.<worker>}. */
    public static String random(String cookie)
    {
        return cookie.substring(0, cookie.lastIndexOf('-'));
    }

    /** {@code <node>} of a cookie value. */
    public static String node(String cookie)
    {
        String cluster = cookie.contains(".") ? cookie.substring(0, cookie.lastIndexOf('.')) : cookie;
        return cluster.substring(cluster.lastIndexOf('-') + 1);
    }

    /** {@code <worker>} of a cookie value. */
    public static String worker(String cookie)
    {
        return cookie.substring(cookie.lastIndexOf('.') + 1);
    }
}
