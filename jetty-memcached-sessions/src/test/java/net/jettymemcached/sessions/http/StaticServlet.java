package net.jettymemcached.sessions.http;

import java.io.IOException;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** Stands for a static resource: it only asks whether a session exists, as Jetty's DefaultServlet would not even do. */
public class StaticServlet extends HttpServlet
{
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException
    {
        response.setContentType("text/plain");
        response.getWriter().println("static session=" + (request.getSession(false) != null));
    }
}
