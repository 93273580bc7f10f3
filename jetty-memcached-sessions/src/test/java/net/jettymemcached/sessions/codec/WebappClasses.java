package net.jettymemcached.sessions.codec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Classes that only a "webapp" has: compiled at test time from source into a temporary directory and loaded by a
 * fresh class loader, so they are on no class path the code under test could fall back to.
 */
public final class WebappClasses
{
    private WebappClasses()
    {
    }

    /**
     * @param sources class name (e.g. {@code shop.Basket}) to Java source
     * @return the directory holding the compiled classes
     */
    public static Path compile(Path directory, Map<String, String> sources)
    {
        try
        {
            Path src = Files.createDirectories(directory.resolve("src"));
            Path classes = Files.createDirectories(directory.resolve("classes"));
            List<String> arguments = new ArrayList<>(List.of("-d", classes.toString(), "--release", "17", "-nowarn"));
            for (Map.Entry<String, String> source : sources.entrySet())
            {
                Path file = src.resolve(source.getKey().replace('.', '/') + ".java");
                Files.createDirectories(file.getParent());
                Files.writeString(file, source.getValue());
                arguments.add(file.toString());
            }
            JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
            int status = compiler.run(null, null, null, arguments.toArray(new String[0]));
            if (status != 0)
                throw new IllegalStateException("compilation failed: " + status);
            return classes;
        }
        catch (IOException x)
        {
            throw new UncheckedIOException(x);
        }
    }

    /** @return a new loader for the compiled classes; its parent is the test's loader (the "server") */
    public static URLClassLoader loader(Path classes)
    {
        try
        {
            return new URLClassLoader("webapp", new URL[]{classes.toUri().toURL()}, WebappClasses.class.getClassLoader());
        }
        catch (MalformedURLException x)
        {
            throw new IllegalStateException(x);
        }
    }

    /** Runs {@code task} with {@code loader} as the thread's context class loader, as Jetty does for a request. */
    public static <T> T in(ClassLoader loader, ThrowingSupplier<T> task) throws Exception
    {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try
        {
            return task.get();
        }
        finally
        {
            thread.setContextClassLoader(previous);
        }
    }

    @FunctionalInterface
    public interface ThrowingSupplier<T>
    {
        T get() throws Exception;
    }
}
