package net.jettymemcached.it.harness;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A browser with one {@code JSESSIONID} cookie, managed by hand so that it can be sent to any Jetty. */
public final class SessionClient
{
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String cookie;

    /** The parsed answer of the test webapp. */
    public record Reply(int status, Map<String, String> values, Optional<String> setCookie, String body)
    {
        public String get(String key)
        {
            return values.get(key);
        }

        public String attr(String name)
        {
            return values.get("attr." + name);
        }
    }

    /** GET {@code /app<path>} on {@code jetty}; a JSESSIONID in Set-Cookie replaces the held cookie. */
    public Reply get(JettyProcess jetty, String path) throws IOException, InterruptedException
    {
        return get(jetty.uri("/app" + path));
    }

    public Reply get(URI uri) throws IOException, InterruptedException
    {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).GET();
        if (cookie != null)
            request.header("Cookie", "JSESSIONID=" + cookie);
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        Optional<String> setCookie = response.headers().allValues("Set-Cookie").stream()
            .filter(value -> value.startsWith("JSESSIONID="))
            .map(value -> value.substring("JSESSIONID=".length()).split(";", 2)[0])
            .reduce((first, second) -> second);
        setCookie.ifPresent(value -> cookie = value);
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : response.body().split("\r?\n"))
        {
            int eq = line.indexOf('=');
            if (eq > 0)
                values.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return new Reply(response.statusCode(), values, setCookie, response.body());
    }

    /** @return the current cookie value, {@code <random>-<node>.<worker>} */
    public String cookie()
    {
        return cookie;
    }

    public void cookie(String value)
    {
        cookie = value;
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
