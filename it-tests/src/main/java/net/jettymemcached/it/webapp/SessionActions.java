package net.jettymemcached.it.webapp;

import java.util.Collections;
import java.util.Enumeration;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * What the black-box test webapp does, written once for both servlet APIs: {@link SessionTestServlet} (jakarta, for
 * ee9, ee10 and ee11) and {@link net.jettymemcached.it.webapp.ee8.SessionTestServlet} (javax, for ee8) only adapt
 * their request and session to it.
 * <ul>
 * <li>{@code /set?name=&value=} sets a String attribute,</li>
 * <li>{@code /incr} increments the Integer attribute {@code counter},</li>
 * <li>{@code /get} only reads,</li>
 * <li>{@code /invalidate} invalidates the session,</li>
 * <li>{@code /class?name=} tells whether the webapp can load that class: {@code class.<name>=visible} or
 * {@code class.<name>=hidden} (ClassNotFoundException); it reads the session like {@code /get}.</li>
 * </ul>
 * Every answer is {@code text/plain}: {@code worker=<name>}, {@code id=<session id>}, {@code new=<true|false>}, then one
 * {@code attr.<name>=<value>} line per attribute, sorted by name. The worker name comes from the system property
 * {@code test.worker} (the webapp cannot see Jetty's session id manager).
 */
public final class SessionActions
{
    /** The session as both servlet APIs offer it. */
    public interface Session
    {
        Object get(String name);

        void set(String name, Object value);

        void invalidate();

        String id();

        boolean isNew();

        Enumeration<String> names();
    }

    private SessionActions()
    {
    }

    /**
     * @param path the request's path within the servlet, {@code /get} when it has none
     * @param parameters the request's parameters by name
     * @return the answer's body, or null for an unknown path (answered 404)
     */
    public static String handle(String path, Session session, UnaryOperator<String> parameters)
    {
        StringBuilder out = new StringBuilder();
        switch (path)
        {
            case "/set" -> session.set(parameters.apply("name"), parameters.apply("value"));
            case "/incr" ->
            {
                Integer counter = (Integer)session.get("counter");
                session.set("counter", counter == null ? 1 : counter + 1);
            }
            case "/invalidate" -> session.invalidate();
            case "/class" ->
            {
                String name = parameters.apply("name");
                out.append("class.").append(name).append('=').append(visibility(name)).append('\n');
            }
            case "/get" ->
            {
            }
            default ->
            {
                return null;
            }
        }
        out.append("worker=").append(System.getProperty("test.worker", "")).append('\n');
        if (path.equals("/invalidate"))
            return out.toString();
        out.append("id=").append(session.id()).append('\n');
        out.append("new=").append(session.isNew()).append('\n');
        for (String name : new TreeSet<>(Collections.list(session.names())))
            out.append("attr.").append(name).append('=').append(session.get(name)).append('\n');
        return out.toString();
    }

    /** As any class of the webapp would load it: through the webapp's class loader. */
    private static String visibility(String name)
    {
        try
        {
            Class.forName(name, false, SessionActions.class.getClassLoader());
            return "visible";
        }
        catch (ClassNotFoundException x)
        {
            return "hidden";
        }
        catch (LinkageError x)
        {
            return "unloadable " + x;
        }
    }
}
