package net.jettymemcached.sessions.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sends exactly the bytes given, for cookies no well-behaved HTTP client would send. */
final class RawHttp
{
    private static final Pattern STATUS = Pattern.compile("^HTTP/1\\.1 (\\d{3})");
    private static final Pattern SET_COOKIE = Pattern.compile("(?im)^Set-Cookie: JSESSIONID=([^;\\r\\n]*)");

    record Reply(int status, Optional<String> setCookie, String raw)
    {
        /** @return the value of a {@code name=value} line of the body, or null */
        String value(String name)
        {
            Matcher line = Pattern.compile("(?m)^" + Pattern.quote(name) + "=(.*?)\r?$").matcher(raw);
            return line.find() ? line.group(1) : null;
        }
    }

    static Reply get(int port, String path, byte[] cookieValue) throws IOException
    {
        return get(port, "127.0.0.1", path, cookieValue);
    }

    /** @param host the {@code Host} header (a virtual host of the context) */
    static Reply get(int port, String host, String path, byte[] cookieValue) throws IOException
    {
        try (Socket socket = new Socket("127.0.0.1", port))
        {
            socket.setSoTimeout(10_000);
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\nCookie: JSESSIONID=").getBytes(StandardCharsets.US_ASCII));
            request.write(cookieValue);
            request.write("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            out.write(request.toByteArray());
            out.flush();
            InputStream in = socket.getInputStream();
            String raw = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            Matcher status = STATUS.matcher(raw);
            if (!status.find())
                throw new IOException("no HTTP status in: " + raw);
            Matcher cookie = SET_COOKIE.matcher(raw);
            return new Reply(Integer.parseInt(status.group(1)), cookie.find() ? Optional.of(cookie.group(1)) : Optional.empty(), raw);
        }
    }
}
