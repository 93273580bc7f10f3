package net.jettymemcached.sessions.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import net.jettymemcached.sessions.testing.MemcachedNodes;
import net.jettymemcached.sessions.testing.MemcachedProcess;

/**
 * CPU time used by this JVM (all threads: Jetty and the load client) and by the memcached processes, so the load
 * benchmark can show where the CPU of a saturated machine goes. The memcached side is read from Linux's
 * {@code /proc/<pid>/stat}; elsewhere it is unknown ({@code -1}).
 */
final class Cpu
{
    private static final long TICKS_PER_SECOND = ticksPerSecond();

    private Cpu()
    {
    }

    /** @return this JVM's CPU time in ns, or -1 if the JVM does not say */
    static long jvmNanos()
    {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os)
            return os.getProcessCpuTime();
        return -1;
    }

    /** @return the CPU time (user + system) of all running memcached nodes in ns, or -1 if it cannot be read */
    static long processNanos(MemcachedNodes nodes)
    {
        long ticks = 0;
        for (MemcachedProcess node : nodes.all())
        {
            if (!node.isRunning())
                continue;
            try
            {
                String stat = Files.readString(Path.of("/proc", Long.toString(node.pid()), "stat"));
                // Fields after the ")" closing the command name: state is field 3, utime 14, stime 15.
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            }
            catch (IOException | RuntimeException x)
            {
                return -1;
            }
        }
        return ticksToNanos(ticks);
    }

    /** @return {@code ticks} of Linux's process clock ({@code /proc/<pid>/stat}'s unit) in ns */
    static long ticksToNanos(long ticks)
    {
        return ticks * TimeUnit.SECONDS.toNanos(1) / TICKS_PER_SECOND;
    }

    /** @return {@code after - before}, or NaN if either is unknown */
    static double delta(long before, long after)
    {
        return before < 0 || after < 0 ? Double.NaN : after - before;
    }

    private static long ticksPerSecond()
    {
        try
        {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(getconf.getInputStream().readAllBytes()).trim();
            getconf.waitFor(5, TimeUnit.SECONDS);
            long ticks = Long.parseLong(out);
            return ticks > 0 ? ticks : 100;
        }
        catch (Exception x)
        {
            return 100; // Linux's USER_HZ almost everywhere
        }
    }
}
