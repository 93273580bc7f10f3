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
 * {@code /get} only reads; every answer lists {@code id=<session id>}, {@code worker=<worker>} and the attributes
 * as {@code name=value} lines.
 */
public class SessionServlet extends HttpServlet
{
    private final String worker;

    public SessionServlet(String worker)
    {
        this.worker = worker;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException
    {
        HttpSession session = request.getSession(true);
        String path = request.getPathInfo() == null ? "/get" : request.getPathInfo();
        switch (path)
        {
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
