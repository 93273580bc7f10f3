package net.jettymemcached.sessions.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One keep-alive HTTP/1.1 connection to {@code 127.0.0.1:port}, used by one client thread at a time: GET requests
 * with an optional cookie, responses with {@code Content-Length} or chunked bodies. Small on purpose, so that the
 * load generator takes as little of the machine's CPU as possible from the server it measures. After an I/O error the
 * connection is closed and the next request opens a new one.
 */
final class LoadConnection implements Closeable
{
    record Response(int status, String body, String setCookie)
    {
    }

    private final int port;
    private final String host;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final StringBuilder line = new StringBuilder(128);
    private final ByteArrayOutputStream body = new ByteArrayOutputStream(256);

    LoadConnection(int port)
    {
        this.port = port;
        this.host = "127.0.0.1:" + port;
    }

    /**
     * @param cookie a {@code name=value} pair to send, or null
     * @return the response; its {@code setCookie} is the {@code name=value} pair of a {@code Set-Cookie} header, or null
     */
    Response get(String pathAndQuery, String cookie) throws IOException
    {
        if (socket == null)
            connect();
        try
        {
            StringBuilder request = new StringBuilder(160).append("GET ").append(pathAndQuery).append(" HTTP/1.1\r\nHost: ").append(host).append("\r\n");
            if (cookie != null)
                request.append("Cookie: ").append(cookie).append("\r\n");
            request.append("\r\n");
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return readResponse();
        }
        catch (IOException | RuntimeException x)
        {
            close();
            throw x;
        }
    }

    private void connect() throws IOException
    {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.setSoTimeout(10_000);
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket = s;
        in = new BufferedInputStream(s.getInputStream(), 8192);
        out = new BufferedOutputStream(s.getOutputStream(), 1024);
    }

    private Response readResponse() throws IOException
    {
        String statusLine = readLine();
        if (!statusLine.startsWith("HTTP/1.1 ") || statusLine.length() < 12)
            throw new IOException("bad status line: " + statusLine);
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long contentLength = -1;
        boolean chunked = false;
        boolean close = false;
        String setCookie = null;
        for (String header = readLine(); !header.isEmpty(); header = readLine())
        {
            int colon = header.indexOf(':');
            if (colon < 0)
                continue;
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim();
            switch (name)
            {
                case "content-length" -> contentLength = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> close = value.toLowerCase(Locale.ROOT).contains("close");
                case "set-cookie" ->
                {
                    int semicolon = value.indexOf(';');
                    setCookie = semicolon < 0 ? value : value.substring(0, semicolon);
                }
                default ->
                {
                }
            }
        }
        body.reset();
        if (chunked)
        {
            for (long size = Long.parseLong(chunkSize(readLine()), 16); size > 0; size = Long.parseLong(chunkSize(readLine()), 16))
            {
                readBody(size);
                readLine(); // CRLF after the chunk
            }
            while (!readLine().isEmpty())
            {
                // trailers
            }
        }
        else if (contentLength >= 0)
        {
            readBody(contentLength);
        }
        else
        {
            close = true;
            byte[] rest = in.readAllBytes();
            body.write(rest, 0, rest.length);
        }
        Response response = new Response(status, body.toString(StandardCharsets.ISO_8859_1), setCookie);
        if (close)
            close();
        return response;
    }

    private static String chunkSize(String line)
    {
        int semicolon = line.indexOf(';');
        return (semicolon < 0 ? line : line.substring(0, semicolon)).trim();
    }

    private void readBody(long length) throws IOException
    {
        for (long i = 0; i < length; i++)
        {
            int b = in.read();
            if (b < 0)
                throw new EOFException("connection closed in a body");
            body.write(b);
        }
    }

    private String readLine() throws IOException
    {
        line.setLength(0);
        while (true)
        {
            int b = in.read();
            if (b < 0)
                throw new EOFException("connection closed by the server");
            if (b == '\n')
                break;
            if (b != '\r')
                line.append((char)b);
        }
        return line.toString();
    }

    @Override
    public void close()
    {
        if (socket != null)
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
        socket = null;
        in = null;
        out = null;
    }
}
