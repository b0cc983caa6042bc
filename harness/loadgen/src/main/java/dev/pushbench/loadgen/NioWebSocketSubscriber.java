package dev.pushbench.loadgen;

import dev.pushbench.client.StreamEnd;
import dev.pushbench.core.EventFields;
import dev.pushbench.core.Transport;
import dev.pushbench.client.nio.WebSocketStream;
import java.nio.charset.StandardCharsets;

/**
 * {@link WebSocketSubscriber} on the nio engine: upgrades {@code /ws/{topic}} (RFC 6455 over
 * HTTP/1.1), reads the cursor frame, then one text frame per event, parsed from its bytes (no String
 * per message). A lost connection is resumed with {@code ?since=} the highest seq seen, after the spec's
 * backoff; one that read nothing (not even a ping) for the spec's {@link LoadSpec#deadAfter()} is given up.
 */
final class NioWebSocketSubscriber extends Subscriber {
    private static final byte[] CURSOR_PREFIX = "{\"cursor\":".getBytes(StandardCharsets.US_ASCII);

    private final boolean publishes;

    NioWebSocketSubscriber(LoadContext context, int index) {
        super(context, index);
        this.publishes = context.publishing != null && context.publishing.publishes(index);
    }

    /** Two-way cells: one text frame on the subscription's own socket, answered in-band ({@code {"ack":n,"seq":s}}). */
    @Override
    boolean publish(long n, int topic, byte[] body) {
        if (!publishes || topic != this.topic || !(currentConnection() instanceof Attempt attempt)) {
            return false;
        }
        if (!attempt.acks.sending(n)) {
            return false;
        }
        if (!attempt.sendText(body, 0, body.length)) {
            attempt.acks.notSent(n);
            return false;
        }
        return true;
    }

    @Override
    protected boolean reportsConnectStart() {
        return true;
    }

    @Override
    protected Connection open(long resumeCursor) {
        Attempt attempt = new Attempt(resumeCursor);
        attempt.open();
        return attempt;
    }

    /** The cursor of a {@code {"cursor":N}} frame, or -1 if the bytes are not one. */
    static long cursorOf(byte[] bytes, int offset, int length) {
        int end = offset + length;
        if (length < CURSOR_PREFIX.length + 2 || bytes[end - 1] != '}') {
            return -1;
        }
        for (int i = 0; i < CURSOR_PREFIX.length; i++) {
            if (bytes[offset + i] != CURSOR_PREFIX[i]) {
                return -1;
            }
        }
        long cursor = 0;
        for (int i = offset + CURSOR_PREFIX.length; i < end - 1; i++) {
            int digit = bytes[i] - '0';
            if (digit < 0 || digit > 9 || cursor > (Long.MAX_VALUE - digit) / 10) {
                return -1;
            }
            cursor = cursor * 10 + digit;
        }
        return cursor;
    }

    /** One connection; its callbacks all run on one selector thread. */
    private final class Attempt extends WebSocketStream implements Connection {
        private boolean live;
        /** The messages sent on this socket awaiting their answers; null when the subscriber does not publish. */
        private final InBandAcks acks = publishes ? new InBandAcks(NioWebSocketSubscriber.this) : null;

        Attempt(long resumeCursor) {
            super(context.nio(), Transport.WEBSOCKET.path(topicName()) + (resumeCursor >= 0 ? "?since=" + resumeCursor : ""));
            deadAfter(context.spec.deadAfter());
        }

        @Override
        public void onText(byte[] bytes, int offset, int length) {
            if (isClosed()) {
                return;
            }
            if (acks != null && acks.onText(bytes, offset, length, receivedNanos())) {
                return;
            }
            EventFields fields = eventFields();
            if (!fields.parse(bytes, offset, length)) {
                long cursor = live ? -1 : cursorOf(bytes, offset, length);
                if (cursor >= 0) {
                    live = true;
                    live(cursor);
                } else {
                    protocolError("not an event: " + text(bytes, offset, length));
                }
                return;
            }
            if (!live) {
                protocolError("an event before the cursor frame: " + text(bytes, offset, length));
                return;
            }
            event(fields.seq(), fields.intendedNanos(), fields.sentNanos(), receivedNanos(), fields.from());
        }

        @Override
        protected void onConnectStarting(long nowNanos) {
            connectStarting(nowNanos);
        }

        @Override
        protected void onEnd(StreamEnd end, Throwable cause) {
            if (acks != null) {
                acks.failAll();
            }
            ended(end, lastReadNanos(), cause);
        }

        private String text(byte[] bytes, int offset, int length) {
            return new String(bytes, offset, Math.min(length, 200), StandardCharsets.UTF_8);
        }
    }
}
