package net.jettymemcached.sessions.security;

import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.util.function.LongFunction;

/**
 * The JDK {@link ObjectInputFilter} that guards every deserialization of stored bytes
 * ({@code jetty.session.memcached.deserializationFilter}). Anyone able to write to memcached could otherwise plant a
 * gadget chain; a refused class is loaded (not initialized) and rejected before any code of it runs.
 * <p>
 * The default refuses the well-known gadget packages (the ysoserial families and the JDK's own JNDI/RMI/JMX entry
 * points) and caps graph depth, references and array lengths. It is a deny-list, so that webapp classes work without
 * configuration; an operator who knows the webapp's classes can configure an allow-list instead (end it with
 * {@code !*}).
 */
public final class DeserializationFilters
{
    /** The default caps, which also stand in for a cap a configured pattern leaves out (see {@link #limits}). */
    public static final Limits DEFAULT_LIMITS = new Limits(1_000_000, 500, 1_000_000, Long.MAX_VALUE);

    /** The documented default pattern. */
    public static final String DEFAULT_PATTERN = String.join(";",
        "maxdepth=500", "maxrefs=1000000", "maxarray=1000000",
        "!org.apache.commons.collections.functors.*",
        "!org.apache.commons.collections4.functors.*",
        "!org.apache.commons.beanutils.**",
        "!org.apache.commons.fileupload.**",
        "!org.apache.commons.dbcp*.**",
        "!org.apache.tomcat.dbcp.**",
        "!org.apache.xalan.xsltc.trax.*",
        "!com.sun.org.apache.xalan.internal.xsltc.trax.*",
        "!org.codehaus.groovy.runtime.**",
        "!groovy.lang.**",
        "!org.springframework.beans.factory.**",
        "!org.springframework.aop.**",
        "!org.springframework.core.SerializableTypeWrapper*",
        "!org.springframework.transaction.jta.*",
        "!com.mchange.v2.c3p0.**",
        "!org.hibernate.engine.spi.*",
        "!org.hibernate.tuple.**",
        "!org.hibernate.jmx.**",
        "!org.jboss.interceptor.**",
        "!org.jboss.weld.interceptor.**",
        "!org.mozilla.javascript.**",
        "!org.python.core.**",
        "!bsh.**",
        "!clojure.**",
        "!com.sun.syndication.**",
        "!com.rometools.rome.feed.impl.**",
        "!org.apache.myfaces.**",
        "!org.apache.wicket.util.upload.**",
        "!org.apache.click.**",
        "!net.sf.json.**",
        "!com.vaadin.data.**",
        "!com.alibaba.fastjson.**",
        "!com.fasterxml.jackson.databind.node.POJONode",
        "!com.sun.rowset.**",
        "!com.sun.jndi.**",
        "!javax.naming.**",
        "!javax.management.**",
        "!javax.script.**",
        "!javax.swing.**",
        "!javax.imageio.**",
        "!java.rmi.**",
        "!sun.rmi.**",
        "!java.util.logging.**",
        "!sun.reflect.annotation.AnnotationInvocationHandler");

    private DeserializationFilters()
    {
    }

    /**
     * @param pattern a JDK filter pattern; blank means the default
     * @throws IllegalArgumentException for a pattern the JDK cannot parse
     */
    public static ObjectInputFilter parse(String pattern)
    {
        String effective = pattern == null || pattern.isBlank() ? DEFAULT_PATTERN : pattern.trim();
        return ObjectInputFilter.Config.createFilter(effective);
    }

    /** Installs the filter on a stream, together with the JVM-wide {@code jdk.serialFilter} if there is one. */
    public static void apply(ObjectInputStream in, ObjectInputFilter filter)
    {
        ObjectInputFilter jvmWide = ObjectInputFilter.Config.getSerialFilter();
        in.setObjectInputFilter(jvmWide == null ? filter : ObjectInputFilter.merge(filter, jvmWide));
    }

    /** @return whether the filter rejects the class as such (its caps are {@link #limits}) */
    public static boolean rejects(ObjectInputFilter filter, Class<?> type)
    {
        return rejects(filter, new Info(type, -1, 1, 0, 0));
    }

    private static boolean rejects(ObjectInputFilter filter, ObjectInputFilter.FilterInfo info)
    {
        ObjectInputFilter jvmWide = ObjectInputFilter.Config.getSerialFilter();
        return filter.checkInput(info) == ObjectInputFilter.Status.REJECTED ||
            (jvmWide != null && jvmWide.checkInput(info) == ObjectInputFilter.Status.REJECTED);
    }

    /**
     * The caps of a filter (and of the JVM-wide one), for readers that are not Java streams: the protostuff codec
     * applies them to its values. A filter only answers whether given counts pass, so each cap is found by bisection,
     * once. A cap the filter leaves out is the default's, so that an allow-list such as {@code shop.*;!*} does not
     * lift them; a cap of 2^31 - 1 or more is taken as left out.
     */
    public static Limits limits(ObjectInputFilter filter)
    {
        return new Limits(
            cap(filter, n -> new Info(byte[].class, n, 1, 0, 0), DEFAULT_LIMITS.maxArray()),
            cap(filter, n -> new Info(null, -1, n, 0, 0), DEFAULT_LIMITS.maxDepth()),
            cap(filter, n -> new Info(null, -1, 1, n, 0), DEFAULT_LIMITS.maxRefs()),
            cap(filter, n -> new Info(null, -1, 1, 0, n), DEFAULT_LIMITS.maxBytes()));
    }

    /** @return the largest count the filter lets pass, or {@code unset} if it lets every int pass */
    private static long cap(ObjectInputFilter filter, LongFunction<ObjectInputFilter.FilterInfo> count, long unset)
    {
        long low = 0;
        long high = Integer.MAX_VALUE;
        if (!rejects(filter, count.apply(high)))
            return unset;
        if (rejects(filter, count.apply(low)))
            return 0;
        while (high - low > 1)
        {
            long middle = (low + high) >>> 1;
            if (rejects(filter, count.apply(middle)))
                high = middle;
            else
                low = middle;
        }
        return low;
    }

    /**
     * Caps on one value: elements of arrays (and null elements of collections), nesting depth, objects and
     * back-references, and bytes.
     */
    public record Limits(long maxArray, long maxDepth, long maxRefs, long maxBytes)
    {
    }

    private record Info(Class<?> serialClass, long arrayLength, long depth, long references, long streamBytes)
        implements ObjectInputFilter.FilterInfo
    {
    }
}
