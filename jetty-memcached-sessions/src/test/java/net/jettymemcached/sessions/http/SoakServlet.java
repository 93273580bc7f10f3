package net.jettymemcached.sessions.http;

import java.io.IOException;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

/**
 * The soak's webapp, answering like {@link SessionServlet} ({@code worker=}, {@code id=}, {@code counter=} lines):
 * {@code /incr} increments {@code counter} (creating the session); {@code /get} and {@code /invalidate} never
 * create a session ({@code id=none} when there is none), and {@code /invalidate} answers with the id and counter of
 * the session it ended, so the browser knows which session it logged out of and what it held.
 */
final class SoakServlet extends HttpServlet
{
    private final String worker;

    SoakServlet(String worker)
    {
        this.worker = worker;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException
    {
        String path = request.getPathInfo() == null ? "/get" : request.getPathInfo();
        HttpSession session = request.getSession(path.equals("/incr"));
        response.setContentType("text/plain");
        StringBuilder body = new StringBuilder("worker=").append(worker).append('\n');
        if (session == null)
            body.append("id=none\n");
        else
        {
            if (path.equals("/incr"))
            {
                Integer counter = (Integer)session.getAttribute("counter");
                session.setAttribute("counter", counter == null ? 1 : counter + 1);
            }
            body.append("id=").append(session.getId()).append('\n');
            Object counter = session.getAttribute("counter");
            if (counter != null)
                body.append("counter=").append(counter).append('\n');
            if (path.equals("/invalidate"))
                session.invalidate();
        }
        response.getWriter().print(body);
    }
}
