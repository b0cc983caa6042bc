package dev.pushbench.client;

import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;

/**
 * A workaround for Jetty 12.1's WebSocket client over HTTP/2 (RFC 8441), shared by the load
 * generator and the conformance suite.
 *
 * <p>Jetty's HTTP/2 client receiver demands stream data after the 200 answer to an extended
 * CONNECT, racing the WebSocket connection for the first DATA frames: about 1 in 25 subscriptions
 * lost the server's first frame (seen here with Jetty's client, never with a raw HTTP2Client). A
 * content listener that never demands for a successful CONNECT leaves every frame to the WebSocket;
 * a refusal's body is read to its end so that the refused exchange completes. Over HTTP/1.1 there
 * is no such race and this changes nothing.
 *
 * <pre>
 *   new JettyUpgradeListener() {
 *       public void onHandshakeRequest(Request request) { WebSocketOverHttp2.leaveDataToWebSocket(request); }
 *   }
 * </pre>
 */
public final class WebSocketOverHttp2 {
    private WebSocketOverHttp2() {
    }

    public static void leaveDataToWebSocket(Request request) {
        request.onResponseContentSource((response, source) -> {
            if (response.getStatus() != 200 || !HttpMethod.CONNECT.is(request.getMethod())) {
                discard(source);
            }
        });
    }

    private static void discard(Content.Source source) {
        for (;;) {
            Content.Chunk chunk = source.read();
            if (chunk == null) {
                source.demand(() -> discard(source));
                return;
            }
            chunk.release();
            if (chunk.isLast() || Content.Chunk.isFailure(chunk)) {
                return;
            }
        }
    }
}
