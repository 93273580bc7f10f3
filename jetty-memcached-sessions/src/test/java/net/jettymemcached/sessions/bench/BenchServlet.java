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
 * by much) and {@code counter=0}: {@code ok <payload length> 0}; with {@code &bytes=1} the payload is a {@code byte[]}
 * of N KB random bytes instead of a {@code String} (the speed table's workload, as in issue 12);</li>
 * <li>{@code /get} only reads the session: {@code ok <payload length> <counter>};</li>
 * <li>{@code /update} increments {@code counter} (a modifying request): {@code ok <payload length> <counter>};</li>
 * <li>{@code /counter} reads the {@code counter} attribute only (a read-only request that touches no other attribute):
 * {@code ok <counter>};</li>
 * <li>{@code /increment} reads {@code counter} and sets it to {@code counter + 1}, nothing else:
 * {@code ok <counter>}.</li>
 * </ul>
 * All but {@code /create} answer 410 when the request has no session.
 */
public class BenchServlet extends HttpServlet
{
    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException
    {
        String path = request.getPathInfo() == null ? "/get" : request.getPathInfo();
        if (path.equals("/create"))
        {
            HttpSession session = request.getSession(true);
            int kb = Integer.parseInt(request.getParameter("kb"));
            Object payload = "1".equals(request.getParameter("bytes")) ? randomBytes(kb) : payload(kb);
            session.setAttribute("payload", payload);
            session.setAttribute("counter", 0);
            reply(response, 200, "ok " + length(payload) + " 0");
            return;
        }
        HttpSession session = request.getSession(false);
        if (session == null)
        {
            reply(response, 410, "no session");
            return;
        }
        switch (path)
        {
            case "/get" ->
            {
                Object payload = session.getAttribute("payload");
                Integer counter = (Integer)session.getAttribute("counter");
                reply(response, 200, "ok " + length(payload) + " " + counter);
            }
            case "/update" ->
            {
                Object payload = session.getAttribute("payload");
                Integer counter = (Integer)session.getAttribute("counter");
                int next = counter == null ? 1 : counter + 1;
                session.setAttribute("counter", next);
                reply(response, 200, "ok " + length(payload) + " " + next);
            }
            case "/counter" -> reply(response, 200, "ok " + session.getAttribute("counter"));
            case "/increment" ->
            {
                Integer counter = (Integer)session.getAttribute("counter");
                int next = counter == null ? 1 : counter + 1;
                session.setAttribute("counter", next);
                reply(response, 200, "ok " + next);
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

    private static byte[] randomBytes(int kb)
    {
        byte[] bytes = new byte[kb * 1024];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    /** @return the payload's length in chars or bytes, -1 when there is none */
    private static int length(Object payload)
    {
        if (payload instanceof String text)
            return text.length();
        if (payload instanceof byte[] bytes)
            return bytes.length;
        return -1;
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
