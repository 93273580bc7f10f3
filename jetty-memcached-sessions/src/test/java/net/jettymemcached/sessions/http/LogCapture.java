package net.jettymemcached.sessions.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.eclipse.jetty.logging.JettyLoggerFactory;
import org.eclipse.jetty.logging.StdErrAppender;
import org.slf4j.LoggerFactory;

/** What the tests' Jettys log while it is open, still copied to the console. */
final class LogCapture implements AutoCloseable
{
    private final StdErrAppender appender;
    private final PrintStream original;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    LogCapture()
    {
        appender = (StdErrAppender)((JettyLoggerFactory)LoggerFactory.getILoggerFactory()).getJettyLogger("net.jettymemcached").getAppender();
        original = appender.getStream();
        appender.setStream(new PrintStream(new Tee(original == null ? System.err : original, log), true, StandardCharsets.UTF_8));
    }

    List<String> lines()
    {
        synchronized (log)
        {
            return log.toString(StandardCharsets.UTF_8).lines().toList();
        }
    }

    @Override
    public void close()
    {
        appender.setStream(original);
    }

    private static final class Tee extends OutputStream
    {
        private final OutputStream console;
        private final ByteArrayOutputStream copy;

        Tee(OutputStream console, ByteArrayOutputStream copy)
        {
            this.console = console;
            this.copy = copy;
        }

        @Override
        public void write(int c) throws IOException
        {
            write(new byte[]{(byte)c}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException
        {
            console.write(bytes, offset, length);
            synchronized (copy)
            {
                copy.write(bytes, offset, length);
            }
        }
    }
}
