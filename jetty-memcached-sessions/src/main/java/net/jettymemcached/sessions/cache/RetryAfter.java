package net.jettymemcached.sessions.cache;

import java.nio.ByteBuffer;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty answers a refused request (a lock timeout with {@code reject}, a stopping module) with its own 503 error
 * page; this adds the {@code Retry-After} the client needs to that response.
 */
final class RetryAfter
{
    private RetryAfter()
    {
    }

    static void addToServiceUnavailable(Request request, long seconds)
    {
        request.addHttpStreamWrapper(stream -> new HttpStream.Wrapper(stream)
        {
            @Override
            public void send(MetaData.Request metaRequest, MetaData.Response response, boolean last, ByteBuffer content, Callback callback)
            {
                if (response != null && response.getStatus() == HttpStatus.SERVICE_UNAVAILABLE_503)
                {
                    HttpFields fields = HttpFields.build(response.getHttpFields()).put(HttpHeader.RETRY_AFTER, Long.toString(seconds));
                    response = new MetaData.Response(response.getStatus(), response.getReason(), response.getHttpVersion(), fields,
                        response.getContentLength(), response.getTrailersSupplier());
                }
                super.send(metaRequest, response, last, content, callback);
            }
        });
    }
}
