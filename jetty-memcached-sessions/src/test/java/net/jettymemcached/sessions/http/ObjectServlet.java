package net.jettymemcached.sessions.http;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Collections;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

/**
 * A test webapp that keeps objects of its own classes in the session. {@code /new?attr=&class=&arg=} stores a new
 * instance of a webapp class (constructor taking one String); {@code /add?attr=&value=} passes a value to such an
 * object ({@link Consumer}); {@code /set?name=&value=} stores a String; {@code /bytes?name=&kb=} stores random
 * bytes. Every answer lists {@code id=<session id>} and each attribute as {@code name=<description>} (a
 * {@link Supplier}'s text, else {@code toString()}) and {@code name.loader=<class loader name>}.
 */
public class ObjectServlet extends HttpServlet
{
    @Override
    @SuppressWarnings("unchecked")
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException
    {
        HttpSession session = request.getSession(true);
        String path = request.getPathInfo() == null ? "/get" : request.getPathInfo();
        try
        {
            switch (path)
            {
                case "/new" ->
                {
                    ClassLoader webapp = Thread.currentThread().getContextClassLoader();
                    Class<?> type = Class.forName(request.getParameter("class"), true, webapp);
                    session.setAttribute(request.getParameter("attr"), type.getConstructor(String.class).newInstance(request.getParameter("arg")));
                }
                case "/add" ->
                {
                    Object target = session.getAttribute(request.getParameter("attr"));
                    ((Consumer<String>)target).accept(request.getParameter("value"));
                    session.setAttribute(request.getParameter("attr"), target);
                }
                case "/set" -> session.setAttribute(request.getParameter("name"), request.getParameter("value"));
                case "/bytes" ->
                {
                    byte[] bytes = new byte[Integer.parseInt(request.getParameter("kb")) * 1024];
                    new Random().nextBytes(bytes);
                    session.setAttribute(request.getParameter("name"), bytes);
                }
                default ->
                {
                }
            }
        }
        catch (ReflectiveOperationException x)
        {
            throw new IllegalStateException(x);
        }
        response.setContentType("text/plain");
        PrintWriter out = response.getWriter();
        out.println("id=" + session.getId());
        for (String name : new TreeSet<>(Collections.list(session.getAttributeNames())))
        {
            Object value = session.getAttribute(name);
            out.println(name + "=" + (value instanceof Supplier<?> s ? s.get() : value instanceof byte[] b ? b.length + " bytes" : String.valueOf(value)));
            ClassLoader loader = value.getClass().getClassLoader();
            out.println(name + ".loader=" + (loader == null ? "jdk" : loader.getName()));
        }
    }
}
