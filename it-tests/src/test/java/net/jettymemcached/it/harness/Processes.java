package net.jettymemcached.it.harness;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Every process the harness started, by its own {@link Process} handle. Tests stop what they started; a shutdown hook
 * kills whatever is left if the test JVM ends early. Nothing is ever signalled by name.
 */
final class Processes
{
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static
    {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "it-process-reaper"));
    }

    private Processes()
    {
    }

    static Process track(Process process)
    {
        LIVE.add(process);
        return process;
    }

    /** kill -9 and wait for the exit. */
    static void kill(Process process)
    {
        process.destroyForcibly();
        await(process, 10);
    }

    /** SIGTERM, then kill -9 if the process has not exited after {@code graceSeconds}. */
    static void stop(Process process, long graceSeconds)
    {
        process.destroy();
        if (!await(process, graceSeconds))
            kill(process);
    }

    static boolean await(Process process, long seconds)
    {
        try
        {
            boolean exited = process.waitFor(seconds, TimeUnit.SECONDS);
            if (exited)
                LIVE.remove(process);
            return exited;
        }
        catch (InterruptedException x)
        {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            LIVE.remove(process);
            return true;
        }
    }

    static String javaExecutable()
    {
        return ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
    }
}
