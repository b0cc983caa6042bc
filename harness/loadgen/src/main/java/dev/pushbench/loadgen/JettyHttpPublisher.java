package dev.pushbench.loadgen;

import dev.pushbench.core.Clocks;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.Result;

/**
 * How an SSE or polling subscriber on Jetty's HttpClient publishes: {@code POST /publish/{topic}}, as
 * {@link HttpPublisher} does on the nio engine. Over HTTP/2 the POST carries the subscription's own tag, so Jetty
 * sends it as one more stream on that connection; over HTTP/1.1 the engine allows one connection per tag and the
 * stream holds it, so the POSTs carry a tag of their own and Jetty opens a second connection for them.
 *
 * <pre>
 *   JettyHttpPublisher publisher = new JettyHttpPublisher(subscriber);
 *   publisher.publish(n, topic, body, subscriber.currentConnection());   // from the publishing thread
 * </pre>
 */
final class JettyHttpPublisher implements Subscriber.Posting {
    private static final int MAX_ANSWER_BYTES = 1024;

    private final Subscriber subscriber;
    private final boolean sameConnection;
    private volatile String postTag;

    JettyHttpPublisher(Subscriber subscriber) {
        this.subscriber = subscriber;
        this.sameConnection = subscriber.context.spec.protocol().isHttp2();
    }

    /** Sends message {@code n} to {@code topic}, tagged after the subscription's current session. */
    @Override
    public boolean publish(long n, int topic, byte[] body, Subscriber.Connection current) {
        LoadContext context = subscriber.context;
        String streamTag = subscriber.connectionTag();
        String tag = sameConnection ? streamTag : streamTag + ".posts";
        postTag = sameConnection ? null : tag;
        context.jetty().http().POST(context.baseUri() + Publishing.target(topic))
                .tag(tag)
                .idleTimeout(context.spec.idleTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .body(new BytesRequestContent("application/json", body))
                .send(new BufferingResponseListener(MAX_ANSWER_BYTES) {
                    @Override
                    public void onComplete(Result result) {
                        long seq = -1;
                        if (result.isSucceeded() && result.getResponse().getStatus() == 200) {
                            seq = seqOf(getContentAsString());
                        }
                        if (seq >= 0) {
                            context.publishing.acked(subscriber.index, n, topic, seq, Clocks.nanoTime());
                        } else {
                            context.publishing.failed(subscriber.index, n);
                        }
                    }
                });
        return true;
    }

    /** The seq of a {@code {"seq":N}} answer, or -1. */
    static long seqOf(String answer) {
        int at = answer == null ? -1 : answer.indexOf("\"seq\":");
        if (at < 0) {
            return -1;
        }
        byte[] bytes = answer.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return InBandAcks.number(bytes, at + 6, bytes.length);
    }

    /** Closes the POST connection (HTTP/1.1) at the end of the run. */
    @Override
    public void close() {
        String tag = postTag;
        if (tag != null) {
            subscriber.context.jetty().closeTcp(tag);
        }
    }
}
