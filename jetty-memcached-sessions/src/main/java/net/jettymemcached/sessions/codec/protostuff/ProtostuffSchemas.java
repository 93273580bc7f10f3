package net.jettymemcached.sessions.codec.protostuff;

import java.io.ObjectInputFilter;
import java.lang.ref.SoftReference;
import java.util.Map;
import java.util.WeakHashMap;

import io.protostuff.Schema;
import io.protostuff.runtime.DefaultIdStrategy;
import io.protostuff.runtime.RuntimeSchema;

/**
 * protostuff's schemas, one set per webapp class loader.
 * <p>
 * protostuff caches classes by name; shared by two webapps (or by a redeployed webapp and its predecessor) the cache
 * would hand one webapp the other's class. Each loader therefore gets its own strategies: protostuff's
 * {@link DefaultIdStrategy} for writing, and a {@link ReadingIdStrategy} for reading, so that what a stored value names
 * is checked and never reaches the writer's caches. The loader is held weakly and its schemas softly, so an
 * undeployed webapp's classes can still be unloaded.
 */
final class ProtostuffSchemas
{
    /** What every attribute is wrapped in: protostuff needs a concrete root, and {@code Object} makes it polymorphic. */
    static final class Holder
    {
        Object value;
    }

    /** The schemas of one class loader: one to write with, one to read with. */
    record ForLoader(ClassLoader loader, Schema<Holder> writer, Schema<Holder> reader)
    {
    }

    private final ObjectInputFilter filter;
    private final Map<ClassLoader, SoftReference<ForLoader>> byLoader = new WeakHashMap<>();
    /** The last one handed out, without locking: most servers run one webapp. */
    private volatile SoftReference<ForLoader> last = new SoftReference<>(null);

    ProtostuffSchemas(ObjectInputFilter filter)
    {
        this.filter = filter;
    }

    /** @return the schemas for the current thread's context class loader */
    ForLoader current()
    {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null)
            loader = ProtostuffSchemas.class.getClassLoader();
        ForLoader recent = last.get();
        if (recent != null && recent.loader() == loader)
            return recent;
        synchronized (byLoader)
        {
            SoftReference<ForLoader> reference = byLoader.get(loader);
            ForLoader schemas = reference == null ? null : reference.get();
            if (schemas == null)
            {
                schemas = create(loader);
                byLoader.put(loader, new SoftReference<>(schemas));
            }
            last = new SoftReference<>(schemas);
            return schemas;
        }
    }

    private ForLoader create(ClassLoader loader)
    {
        DefaultIdStrategy writing = new DefaultIdStrategy(ProtostuffEnvironment.STRATEGY_FLAGS);
        JdkTypes.registerDelegates(writing);
        ReadingIdStrategy reading = new ReadingIdStrategy(new ClassAdmission(loader, filter));
        return new ForLoader(loader, RuntimeSchema.createFrom(Holder.class, writing), RuntimeSchema.createFrom(Holder.class, reading));
    }
}
