package net.jettymemcached.it.webapp;

import java.io.IOException;
import java.util.Enumeration;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

/**
 * The black-box test webapp for the jakarta environments (compiled against Servlet 5.0, runs on ee9, ee10 and ee11);
 * what it does is {@link SessionActions}.
 */
public class SessionTestServlet extends HttpServlet
{
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException
    {
        String path = request.getPathInfo() == null ? "/get" : request.getPathInfo();
        HttpSession session = request.getSession(true);
        String body = SessionActions.handle(path, new SessionActions.Session()
        {
            @Override
            public Object get(String name)
            {
                return session.getAttribute(name);
            }

            @Override
            public void set(String name, Object value)
            {
                session.setAttribute(name, value);
            }

            @Override
            public void invalidate()
            {
                session.invalidate();
            }

            @Override
            public String id()
            {
                return session.getId();
            }

            @Override
            public boolean isNew()
            {
                return session.isNew();
            }

            @Override
            public Enumeration<String> names()
            {
                return session.getAttributeNames();
            }
        }, request::getParameter);
        if (body == null)
        {
            response.sendError(HttpServletResponse.SC_NOT_FOUND, "unknown action " + path);
            return;
        }
        response.setContentType("text/plain;charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().print(body);
    }
}
