package net.jettymemcached.sessions.http;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Collections;
import java.util.TreeSet;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

/**
 * The test webapp. {@code /set?name=&value=} sets an attribute, {@code /incr} increments {@code counter},
 * {@code /get} only reads, {@code /sleep?millis=} sleeps first (then sets {@code name=value} if given),
 * {@code /throw} sets {@code name=value} and then fails, {@code /renew} changes the session id,
 * {@code /timeout?seconds=} sets the max inactive interval, {@code /invalidate} ends the session. Every answer lists
 * {@code worker=<worker>}, {@code id=<session id>} and the attributes as {@code name=value} lines.
 */
public class SessionServlet extends HttpServlet
{
    private final String worker;

    public SessionServlet(String worker)
    {
        this.worker = worker;
    }

    /** Lists kept by {@code /hold} for {@code /appendToHeld}, by session id (as an application's own cache would). */
    private static final java.util.Map<String, java.util.List<String>> HELD = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException
    {
        String path = request.getPathInfo() == null ? "/get" : request.getPathInfo();
        if (path.startsWith("/locked/"))
            path = path.substring("/locked".length()); // same actions under a path a uriPattern can select
        if (path.equals("/sleep") || path.equals("/slowset"))
        {
            try
            {
                Thread.sleep(Long.parseLong(request.getParameter("millis")));
            }
            catch (InterruptedException x)
            {
                Thread.currentThread().interrupt();
            }
        }
        HttpSession session = request.getSession(true);
        if (path.equals("/async"))
        {
            // Completes on another thread later: the session is stored (and its lock released) only then.
            jakarta.servlet.AsyncContext async = request.startAsync();
            long millis = Long.parseLong(request.getParameter("millis"));
            new Thread(() ->
            {
                try
                {
                    Thread.sleep(millis);
                    session.setAttribute(request.getParameter("name"), request.getParameter("value"));
                    async.getResponse().setContentType("text/plain");
                    async.getResponse().getWriter().println("worker=" + worker);
                    async.getResponse().getWriter().println("id=" + session.getId());
                }
                catch (Exception x)
                {
                    throw new RuntimeException(x);
                }
                finally
                {
                    async.complete();
                }
            }).start();
            return;
        }
        if (path.equals("/appendAfterCommit") || path.equals("/appendToHeld"))
        {
            // Changes the list in place where Jetty cannot see it: after the response was committed, or through a
            // reference an earlier request kept (/hold) without reading the attribute in this request (that one also
            // sets k to the value: a change Jetty sees, written at the commit, with the list untouched).
            boolean held = path.equals("/appendToHeld");
            @SuppressWarnings("unchecked")
            java.util.List<String> list = held ? HELD.get(session.getId()) : (java.util.List<String>)session.getAttribute("list");
            if (held)
            {
                list.add(request.getParameter("value"));
                session.setAttribute("k", request.getParameter("value"));
            }
            response.setContentType("text/plain");
            response.getWriter().println("worker=" + worker);
            response.flushBuffer();
            if (!held)
                list.add(request.getParameter("value"));
            return;
        }
        if (path.equals("/hold"))
        {
            @SuppressWarnings("unchecked")
            java.util.List<String> list = (java.util.List<String>)session.getAttribute("list");
            HELD.put(session.getId(), list);
        }
        switch (path)
        {
            case "/sleep", "/slowset", "/throw" ->
            {
                if (request.getParameter("name") != null)
                    session.setAttribute(request.getParameter("name"), request.getParameter("value"));
                if (path.equals("/throw"))
                    throw new IllegalStateException("failing on purpose");
            }
            case "/renew" -> request.changeSessionId();
            case "/big" -> session.setAttribute("big", "x".repeat(Integer.parseInt(request.getParameter("kb")) * 1024));
            case "/append" ->
            {
                // Mutates the stored list in place: Jetty does not see a change, only the stored bytes differ.
                @SuppressWarnings("unchecked")
                java.util.List<String> list = (java.util.List<String>)session.getAttribute("list");
                if (list == null)
                    session.setAttribute("list", list = new java.util.ArrayList<>());
                else
                    list.add(request.getParameter("value"));
                if (list.isEmpty())
                    list.add(request.getParameter("value"));
            }
            case "/timeout" -> session.setMaxInactiveInterval(Integer.parseInt(request.getParameter("seconds")));
            case "/set" -> session.setAttribute(request.getParameter("name"), request.getParameter("value"));
            case "/incr" ->
            {
                Integer counter = (Integer)session.getAttribute("counter");
                session.setAttribute("counter", counter == null ? 1 : counter + 1);
            }
            case "/invalidate" -> session.invalidate();
            default ->
            {
            }
        }
        response.setContentType("text/plain");
        PrintWriter out = response.getWriter();
        out.println("worker=" + worker);
        if (path.equals("/invalidate"))
            return;
        out.println("id=" + session.getId());
        for (String name : new TreeSet<>(Collections.list(session.getAttributeNames())))
            out.println(name + "=" + session.getAttribute(name));
    }
}
