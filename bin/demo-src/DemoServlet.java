package demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

/**
 * The demo page: which worker served the request, the session id, which memcached node holds the primary copy and
 * which the backup (asked of memcached itself, as an operator would with {@code get <key>}), a counter and a cart.
 * Forms POST and redirect back, so a reload never repeats an action. Configured by system properties:
 * {@code demo.worker} (the Jetty worker name) and {@code demo.nodes} (the memcached node list).
 */
public class DemoServlet extends HttpServlet
{
    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException
    {
        HttpSession session = request.getSession(true);
        switch (String.valueOf(request.getParameter("action")))
        {
            case "incr" ->
            {
                Integer counter = (Integer)session.getAttribute("counter");
                session.setAttribute("counter", counter == null ? 1 : counter + 1);
            }
            case "add" ->
            {
                String item = request.getParameter("item");
                if (item != null && !item.isBlank())
                {
                    @SuppressWarnings("unchecked")
                    ArrayList<String> cart = (ArrayList<String>)session.getAttribute("cart");
                    cart = cart == null ? new ArrayList<>() : new ArrayList<>(cart);
                    cart.add(item.strip());
                    session.setAttribute("cart", cart);
                }
            }
            case "clear" -> session.removeAttribute("cart");
            case "invalidate" -> session.invalidate();
            default ->
            {
            }
        }
        response.sendRedirect(request.getContextPath() + "/");
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException
    {
        HttpSession session = request.getSession(true);
        String id = session.getId();
        String primaryNode = id.contains("-") ? id.substring(id.lastIndexOf('-') + 1) : "";
        // The key layout of the README: <context>_<vhost>_<id>, backup under bak:<key>. The demo deploys without
        // virtual hosts and key prefix.
        String key = request.getContextPath().replace('/', '_').replace('.', '_') + "_0.0.0.0_" + id;
        if (request.getContextPath().isEmpty())
            key = "_" + key;

        response.setContentType("text/html;charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        PrintWriter out = response.getWriter();
        out.println("<!DOCTYPE html><html><head><title>memcached sessions demo</title><style>"
            + "body{font-family:sans-serif;margin:2em;max-width:60em} td,th{padding:.2em .8em;text-align:left} "
            + "code{background:#eee;padding:0 .3em} .worker{font-size:1.6em;font-weight:bold;color:#06c} form{display:inline}"
            + "</style></head><body>");
        out.println("<h1>jetty-memcached-sessions demo</h1>");
        out.println("<p>Served by worker <span class=worker>" + esc(System.getProperty("demo.worker", "?")) + "</span> (Jetty on port "
            + request.getLocalPort() + ")</p>");
        out.println("<table>");
        row(out, "session id", "<code>" + esc(id) + "</code>" + (session.isNew() ? " (new)" : ""));
        row(out, "cookie sent by the browser", "<code>" + esc(cookie(request)) + "</code>");
        row(out, "primary node (from the id)", "<code>" + esc(primaryNode) + "</code>");
        out.println("</table>");

        out.println("<h2>Copies in memcached</h2><p>Asked of each node with <code>get " + esc(key) + "</code> and <code>get bak:" + esc(key)
            + "</code>. A request's changes are written at its end, so this shows the state before this request.</p>");
        out.println("<table><tr><th>node</th><th>address</th><th>state</th><th>primary copy</th><th>backup copy</th></tr>");
        for (String node : System.getProperty("demo.nodes", "").trim().split("[\\s,]+"))
        {
            if (node.isEmpty())
                continue;
            String[] parts = node.split(":");
            String nodeId = parts[0];
            String host = parts[1];
            int port = Integer.parseInt(parts[2]);
            Integer primary = size(host, port, key);
            Integer backup = size(host, port, "bak:" + key);
            boolean up = primary != null;
            out.println("<tr><td>" + esc(nodeId) + (nodeId.equals(primaryNode) ? " &larr; session's node" : "") + "</td><td>" + esc(host + ":" + port)
                + "</td><td>" + (up ? "up" : "<b>down</b>") + "</td><td>" + copy(primary) + "</td><td>" + copy(backup) + "</td></tr>");
        }
        out.println("</table>");

        out.println("<h2>Session data</h2>");
        Integer counter = (Integer)session.getAttribute("counter");
        out.println("<p>counter = <b>" + (counter == null ? 0 : counter) + "</b> " + button("incr", "+1") + "</p>");
        Object cart = session.getAttribute("cart");
        out.println("<p>cart = <b>" + esc(cart == null ? "[]" : cart.toString()) + "</b></p>");
        out.println("<form method=post><input type=hidden name=action value=add><input name=item placeholder=apple required> "
            + "<button>add to cart</button></form> " + button("clear", "empty cart") + " " + button("invalidate", "invalidate session"));

        out.println("<h2>Try</h2><ul>"
            + "<li>Kill the Jetty worker named above (<code>kill -9</code> its PID, printed by <code>bin/demo</code>) and reload: "
            + "the other worker serves the same session from memcached and the cookie's suffix changes to its name.</li>"
            + "<li>Kill the session's memcached node and reload: the session moves to the next node (the id's node part "
            + "changes, its random part stays) with its data.</li></ul>");
        out.println("</body></html>");
    }

    private static String button(String action, String label)
    {
        return "<form method=post><input type=hidden name=action value=" + action + "><button>" + esc(label) + "</button></form>";
    }

    private static void row(PrintWriter out, String name, String html)
    {
        out.println("<tr><th>" + esc(name) + "</th><td>" + html + "</td></tr>");
    }

    private static String copy(Integer size)
    {
        return size == null ? "?" : size < 0 ? "&ndash;" : "&#10004; " + size + " bytes";
    }

    private static String cookie(HttpServletRequest request)
    {
        if (request.getCookies() != null)
        {
            for (Cookie cookie : request.getCookies())
            {
                if (cookie.getName().equals("JSESSIONID"))
                    return cookie.getValue();
            }
        }
        return "(none)";
    }

    /** @return the value's size, -1 if the key is absent, null if the node does not answer */
    private static Integer size(String host, int port, String key)
    {
        try (Socket socket = new Socket())
        {
            socket.connect(new InetSocketAddress(host, port), 300);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write(("get " + key + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\n')
                line.append((char)c);
            String[] words = line.toString().trim().split(" ");
            if (words.length == 4 && words[0].equals("VALUE"))
                return Integer.parseInt(words[3]);
            return words[0].equals("END") ? -1 : null;
        }
        catch (IOException | RuntimeException x)
        {
            return null;
        }
    }

    private static String esc(String s)
    {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
