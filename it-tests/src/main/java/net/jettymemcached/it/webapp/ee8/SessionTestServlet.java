package net.jettymemcached.it.webapp.ee8;

import java.io.IOException;
import java.util.Enumeration;

import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import javax.servlet.http.HttpSession;
import net.jettymemcached.it.webapp.SessionActions;

/**
 * The black-box test webapp for ee8 ({@code javax.servlet}, Servlet 4.0): the jakarta {@code SessionTestServlet} with the
 * other API's imports; what it does is {@link SessionActions}.
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
