package net.jettymemcached.sessions.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

/**
 * The load benchmark's webapp at {@code /app/*}; every answer is one short line with a {@code Content-Length}, so the
 * response size does not depend on the session size:
 * <ul>
 * <li>{@code /create?kb=N} makes a session with a {@code payload} attribute of N KB (random ASCII, not compressible
 * by much) and {@code counter=0}: {@code ok <payload chars> 0};</li>
 * <li>{@code /get} only reads the session: {@code ok <payload chars> <counter>};</li>
 * <li>{@code /update} increments {@code counter} (a modifying request): {@code ok <payload chars> <counter>}.</li>
 * </ul>
 * {@code /get} and {@code /update} answer 410 when the request has no session.
 */
public class BenchServlet extends HttpServlet
{
    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException
    {
        String path = request.getPathInfo() == null ? "/get" : request.getPathInfo();
        switch (path)
        {
            case "/create" ->
            {
                HttpSession session = request.getSession(true);
                String payload = payload(Integer.parseInt(request.getParameter("kb")));
                session.setAttribute("payload", payload);
                session.setAttribute("counter", 0);
                reply(response, 200, "ok " + payload.length() + " 0");
            }
            case "/get" ->
            {
                HttpSession session = request.getSession(false);
                if (session == null)
                {
                    reply(response, 410, "no session");
                    return;
                }
                String payload = (String)session.getAttribute("payload");
                Integer counter = (Integer)session.getAttribute("counter");
                reply(response, 200, "ok " + (payload == null ? -1 : payload.length()) + " " + counter);
            }
            case "/update" ->
            {
                HttpSession session = request.getSession(false);
                if (session == null)
                {
                    reply(response, 410, "no session");
                    return;
                }
                String payload = (String)session.getAttribute("payload");
                Integer counter = (Integer)session.getAttribute("counter");
                int next = counter == null ? 1 : counter + 1;
                session.setAttribute("counter", next);
                reply(response, 200, "ok " + (payload == null ? -1 : payload.length()) + " " + next);
            }
            default -> reply(response, 404, "unknown action " + path);
        }
    }

    private static String payload(int kb)
    {
        char[] chars = new char[kb * 1024];
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < chars.length; i++)
            chars[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        return new String(chars);
    }

    private static void reply(HttpServletResponse response, int status, String line) throws IOException
    {
        byte[] body = (line + "\n").getBytes(StandardCharsets.US_ASCII);
        response.setStatus(status);
        response.setContentType("text/plain");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
