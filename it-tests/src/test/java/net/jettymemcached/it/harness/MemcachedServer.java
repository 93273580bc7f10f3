package net.jettymemcached.it.harness;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** One memcached process on a free loopback port, started and killed by its own handle. */
public final class MemcachedServer implements AutoCloseable
{
    private final String id;
    private final int port;
    private final Process process;

    private MemcachedServer(String id, int port, Process process)
    {
        this.id = id;
        this.port = port;
        this.process = process;
    }

    /** Starts {@code memcached -l 127.0.0.1 -p <free port> -U 0 -t 1 -m 64} and waits until it answers. */
    public static MemcachedServer start(String id) throws IOException
    {
        Path binary = binary();
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++)
        {
            int port = freePort();
            ProcessBuilder builder = new ProcessBuilder(binary.toString(), "-l", "127.0.0.1", "-p", String.valueOf(port), "-U", "0", "-t", "1", "-m", "64");
            if ("root".equals(System.getProperty("user.name")))
                builder.command().addAll(java.util.List.of("-u", "root"));
            builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            Process process = Processes.track(builder.start());
            MemcachedServer server = new MemcachedServer(id, port, process);
            try
            {
                server.awaitReady();
                return server;
            }
            catch (IOException x)
            {
                last = x;
                Processes.kill(process); // lost the port to someone else: try another one
            }
        }
        throw new IOException("memcached " + id + " did not start", last);
    }

    /** The binary: system property {@code it.memcached}, else {@code memcached} on the PATH, else /usr/bin/memcached. */
    static Path binary()
    {
        String configured = System.getProperty("it.memcached");
        if (configured != null && !configured.isBlank())
            return Path.of(configured);
        return Stream.concat(Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)), Stream.of("/usr/bin", "/usr/local/bin"))
            .filter(dir -> !dir.isEmpty())
            .map(dir -> Path.of(dir, "memcached"))
            .filter(Files::isExecutable)
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("memcached binary not found on the PATH: these black-box tests need a real memcached. " +
                "Install it (Debian/Ubuntu: apt-get install -y memcached) or pass -Dit.memcached=/path/to/memcached"));
    }

    private void awaitReady() throws IOException
    {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline)
        {
            if (!process.isAlive())
                throw new IOException("memcached " + id + " exited with " + process.exitValue() + " (port " + port + " taken?)");
            try (Socket socket = new Socket())
            {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                OutputStream out = socket.getOutputStream();
                out.write("version\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[64];
                int read = in.read(buffer);
                if (read > 0 && new String(buffer, 0, read, StandardCharsets.US_ASCII).startsWith("VERSION"))
                    return;
            }
            catch (IOException notYet)
            {
                // not listening yet
            }
            sleep(50);
        }
        throw new IOException("memcached " + id + " on port " + port + " did not answer within 5 s");
    }

    static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
    }

    static void sleep(long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (InterruptedException x)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(x);
        }
    }

    public String id()
    {
        return id;
    }

    public int port()
    {
        return port;
    }

    /** The node as written in {@code jetty.session.memcached.nodes}: {@code id:127.0.0.1:port}. */
    public String spec()
    {
        return id + ":127.0.0.1:" + port;
    }

    public boolean isAlive()
    {
        return process.isAlive();
    }

    /** Simulates a crash: SIGKILL to this process. */
    public void kill9()
    {
        Processes.kill(process);
    }

    @Override
    public void close()
    {
        Processes.kill(process);
    }

    @Override
    public String toString()
    {
        return spec() + " (pid " + process.pid() + ")";
    }
}
