package net.jettymemcached.sessions.security;

import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;

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
    /** The documented default pattern. */
    public static final String DEFAULT_PATTERN = String.join(";",
        "maxdepth=500", "maxrefs=1000000", "maxarray=10000000",
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

    /** @return whether the filter rejects the class as such (limits do not apply outside a Java stream) */
    public static boolean rejects(ObjectInputFilter filter, Class<?> type)
    {
        ObjectInputFilter jvmWide = ObjectInputFilter.Config.getSerialFilter();
        ClassOnly info = new ClassOnly(type);
        return filter.checkInput(info) == ObjectInputFilter.Status.REJECTED ||
            (jvmWide != null && jvmWide.checkInput(info) == ObjectInputFilter.Status.REJECTED);
    }

    private record ClassOnly(Class<?> serialClass) implements ObjectInputFilter.FilterInfo
    {
        @Override
        public long arrayLength()
        {
            return -1;
        }

        @Override
        public long depth()
        {
            return 1;
        }

        @Override
        public long references()
        {
            return 0;
        }

        @Override
        public long streamBytes()
        {
            return 0;
        }
    }
}
