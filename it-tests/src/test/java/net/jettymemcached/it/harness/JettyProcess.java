package net.jettymemcached.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import net.jettymemcached.sessions.http.SessionClient;
import net.jettymemcached.sessions.testing.Await;

/** One {@code java -jar start.jar} process; its output goes to a log file in the base. */
public final class JettyProcess implements AutoCloseable, SessionClient.Target
{
    public static final String STARTED = "Started oejs.Server@";
    private static final Pattern CONNECTOR = Pattern.compile("Started oejs\\.ServerConnector@\\S+\\{HTTP/1\\.1, \\(http/1\\.1\\)}\\{127\\.0\\.0\\.1:(\\d+)}");

    private final Process process;
    private final Path log;
    private int port = -1;

    JettyProcess(Process process, Path log)
    {
        this.process = process;
        this.log = log;
    }

    /** Waits for {@value #STARTED}; fails with the output if Jetty exits or takes longer than 60 s. */
    public JettyProcess awaitStarted()
    {
        String output = Await.await("Jetty to start (" + log + ")", () ->
        {
            String now = output();
            if (!now.contains(STARTED) && !process.isAlive())
                throw new IllegalStateException("Jetty exited with " + process.exitValue() + " before it started:\n" + now);
            return now;
        }, now -> now.contains(STARTED), Duration.ofSeconds(60));
        Matcher m = CONNECTOR.matcher(output);
        if (!m.find())
            throw new IllegalStateException("Jetty started without an HTTP connector on 127.0.0.1:\n" + output);
        port = Integer.parseInt(m.group(1));
        return this;
    }

    /** @return the exit value; kills the process and fails if it is still running after {@code seconds} */
    public int awaitExit(long seconds)
    {
        if (!Processes.await(process, seconds))
        {
            Processes.kill(process);
            throw new IllegalStateException("start.jar still running after " + seconds + " s, killed:\n" + output());
        }
        return process.exitValue();
    }

    public String output()
    {
        try
        {
            return Files.readString(log, StandardCharsets.UTF_8);
        }
        catch (IOException x)
        {
            throw new UncheckedIOException(x);
        }
    }

    @Override
    public URI uri(String pathAndQuery)
    {
        if (port < 0)
            throw new IllegalStateException("Jetty is not started");
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    public long pid()
    {
        return process.pid();
    }

    public boolean isAlive()
    {
        return process.isAlive();
    }

    /** Simulates a crash: kill -9, no shutdown hooks, nothing flushed. */
    public void kill9()
    {
        Processes.kill(process);
    }

    /** Graceful stop (SIGTERM runs Jetty's shutdown), kill -9 after 30 s. */
    public void stop()
    {
        Processes.stop(process, 30);
    }

    @Override
    public void close()
    {
        if (process.isAlive())
            Processes.kill(process);
    }

    @Override
    public String toString()
    {
        return "jetty pid " + process.pid() + " port " + port + " log " + log;
    }
}
