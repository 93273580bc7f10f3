package net.jettymemcached.it.webapp;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Collections;
import java.util.TreeSet;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

/**
 * The black-box test webapp (Servlet 6.0, runs on ee10 and ee11).
 * <ul>
 * <li>{@code /set?name=&value=} sets a String attribute,</li>
 * <li>{@code /incr} increments the Integer attribute {@code counter},</li>
 * <li>{@code /get} only reads,</li>
 * <li>{@code /invalidate} invalidates the session.</li>
 * </ul>
 * Every answer is {@code text/plain}: {@code worker=<name>}, {@code id=<session id>}, {@code new=<true|false>}, then one
 * {@code attr.<name>=<value>} line per attribute, sorted by name. The worker name comes from the system property
 * {@code test.worker} (the webapp cannot see Jetty's session id manager).
 */
public class SessionTestServlet extends HttpServlet
{
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException
    {
        String path = request.getPathInfo() == null ? "/get" : request.getPathInfo();
        HttpSession session = request.getSession(true);
        switch (path)
        {
            case "/set" -> session.setAttribute(request.getParameter("name"), request.getParameter("value"));
            case "/incr" ->
            {
                Integer counter = (Integer)session.getAttribute("counter");
                session.setAttribute("counter", counter == null ? 1 : counter + 1);
            }
            case "/invalidate" -> session.invalidate();
            case "/get" ->
            {
            }
            default ->
            {
                response.sendError(HttpServletResponse.SC_NOT_FOUND, "unknown action " + path);
                return;
            }
        }
        response.setContentType("text/plain;charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        PrintWriter out = response.getWriter();
        out.println("worker=" + System.getProperty("test.worker", ""));
        if (path.equals("/invalidate"))
            return;
        out.println("id=" + session.getId());
        out.println("new=" + session.isNew());
        for (String name : new TreeSet<>(Collections.list(session.getAttributeNames())))
            out.println("attr." + name + "=" + session.getAttribute(name));
    }
}
