package net.jettymemcached.sessions.http;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A persistent HTTP/1.1 connection to one Jetty, for the chaos soak. Unlike {@code java.net.http.HttpClient} it never
 * re-sends a request by itself (that client silently retries an idempotent GET once when a connection closes before
 * the reply, which could apply an increment twice), so every increment the server saw was sent exactly once.
 */
final class SoakConnection
{
    /** One HTTP reply; {@code setCookie} is the last JSESSIONID of Set-Cookie ("" when deleted), or null. */
    record Response(int status, String body, String setCookie, boolean close)
    {
        Map<String, String> values()
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
    }

    private final JettyNode jetty;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private long lastUsedNanos = System.nanoTime();

    private SoakConnection(JettyNode jetty, Socket socket) throws IOException
    {
        this.jetty = jetty;
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** @throws IOException when the connection could not be made: nothing was sent */
    static SoakConnection open(JettyNode jetty, int readTimeoutMillis) throws IOException
    {
        Socket socket = new Socket();
        try
        {
            socket.connect(new InetSocketAddress("127.0.0.1", jetty.port()), 5000);
            socket.setSoTimeout(readTimeoutMillis);
            socket.setTcpNoDelay(true);
            return new SoakConnection(jetty, socket);
        }
        catch (IOException x)
        {
            socket.close();
            throw x;
        }
    }

    /** The Jetty this connection was opened to. */
    JettyNode jetty()
    {
        return jetty;
    }

    /** When the last request was sent on this connection ({@link System#nanoTime()}). */
    long lastUsedNanos()
    {
        return lastUsedNanos;
    }

    /** Sends one GET and reads its reply; an IOException once the request is written leaves its outcome unknown. */
    Response get(String path, String cookie) throws IOException
    {
        StringBuilder request = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1:").append(jetty.port()).append("\r\n");
        if (cookie != null)
            request.append("Cookie: JSESSIONID=").append(cookie).append("\r\n");
        request.append("\r\n");
        lastUsedNanos = System.nanoTime();
        out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();

        String statusLine = line();
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1."))
            throw new IOException("bad status line: " + statusLine);
        int status = Integer.parseInt(parts[1]);
        long length = -1;
        boolean chunked = false;
        boolean close = false;
        String setCookie = null;
        for (String header = line(); !header.isEmpty(); header = line())
        {
            int colon = header.indexOf(':');
            if (colon < 0)
                continue;
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim();
            switch (name)
            {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> close = value.toLowerCase(Locale.ROOT).contains("close");
                case "set-cookie" ->
                {
                    if (value.startsWith("JSESSIONID="))
                    {
                        int end = value.indexOf(';');
                        String cookieValue = value.substring("JSESSIONID=".length(), end < 0 ? value.length() : end);
                        String lower = value.toLowerCase(Locale.ROOT);
                        setCookie = lower.contains("max-age=0") ? "" : cookieValue;
                    }
                }
                default ->
                {
                }
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked)
        {
            while (true)
            {
                String size = line();
                int semicolon = size.indexOf(';');
                int chunk = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
                if (chunk == 0)
                {
                    while (!line().isEmpty())
                    {
                        // trailers
                    }
                    break;
                }
                body.write(exactly(chunk));
                line();
            }
        }
        else if (length >= 0)
            body.write(exactly((int)length));
        else
        {
            body.write(in.readAllBytes());
            close = true;
        }
        return new Response(status, body.toString(StandardCharsets.UTF_8), setCookie, close);
    }

    private byte[] exactly(int n) throws IOException
    {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length != n)
            throw new IOException("connection closed in the body");
        return bytes;
    }

    private String line() throws IOException
    {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true)
        {
            int b = in.read();
            if (b < 0)
                throw new IOException("connection closed");
            if (b == '\n')
                break;
            if (b != '\r')
                line.write(b);
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    void close()
    {
        try
        {
            socket.close();
        }
        catch (IOException ignored)
        {
            // closing anyway
        }
    }
}
