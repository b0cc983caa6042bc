package dev.pushbench.loadgen;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * A WebSocket's published messages awaiting their in-band answers ({@code {"ack":n,"seq":s}} or
 * {@code {"nack":n,…}}), one per connection, the same on both client engines. The server answers a socket's
 * messages in the order they came, so an answer to {@code n} means every earlier message still waiting will never be
 * answered (failed); a connection that ends fails what it still waits for.
 *
 * <pre>
 *   InBandAcks acks = new InBandAcks(subscriber);
 *   if (acks.sending(n) &amp;&amp; !socket.send(body)) acks.notSent(n);   // the publishing thread
 *   if (acks.onText(bytes, offset, length, receivedNanos)) return;       // the socket's thread: it was an answer
 *   acks.failAll();                                                     // the socket ended
 * </pre>
 */
final class InBandAcks {
    private static final byte[] ACK = "{\"ack\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NACK = "{\"nack\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEQ = "\"seq\":".getBytes(StandardCharsets.US_ASCII);

    private final Subscriber subscriber;
    private final ArrayDeque<Long> unanswered = new ArrayDeque<>();
    private boolean ended;

    InBandAcks(Subscriber subscriber) {
        this.subscriber = subscriber;
    }

    /** Message {@code n} is about to go out: false when the connection has ended already (not to be sent). */
    synchronized boolean sending(long n) {
        if (ended) {
            return false;
        }
        unanswered.addLast(n);
        return true;
    }

    /** Message {@code n} could not be queued after all: it waits for nothing (the caller counts it failed). */
    synchronized void notSent(long n) {
        unanswered.removeLastOccurrence(n);
    }

    /**
     * A text frame arrived: when it is an ack or a nack, it settles its message and this returns true; an event (or
     * the cursor frame) returns false.
     */
    boolean onText(byte[] bytes, int offset, int length, long receivedNanos) {
        if (length < NACK.length || bytes[offset] != '{' || bytes[offset + 1] != '"' || bytes[offset + 2] == 't') {
            return false; // events begin {"topic"
        }
        int end = offset + length;
        if (startsWith(bytes, offset, ACK)) {
            answered(number(bytes, offset + ACK.length, end), number(bytes, find(bytes, offset, end, SEQ), end), receivedNanos);
            return true;
        }
        if (startsWith(bytes, offset, NACK)) {
            answered(number(bytes, offset + NACK.length, end), -1, receivedNanos);
            return true;
        }
        return false;
    }

    /** As {@link #onText(byte[], int, int, long)} for a frame the client library decoded to a String. */
    boolean onText(String text, long receivedNanos) {
        if (!text.startsWith("{\"ack\":") && !text.startsWith("{\"nack\":")) {
            return false;
        }
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        return onText(bytes, 0, bytes.length, receivedNanos);
    }

    private void answered(long n, long seq, long receivedNanos) {
        Publishing publishing = subscriber.context.publishing;
        synchronized (this) {
            while (!unanswered.isEmpty() && unanswered.peekFirst() < n) {
                publishing.failed(subscriber.index, unanswered.pollFirst());
            }
            if (unanswered.isEmpty() || unanswered.peekFirst() != n) {
                return; // not waited for here (a nack of an unreadable frame, n = -1)
            }
            unanswered.pollFirst();
        }
        if (seq >= 0) {
            publishing.acked(subscriber.index, n, subscriber.topic, seq, receivedNanos);
        } else {
            publishing.failed(subscriber.index, n);
        }
    }

    /** The connection ended: what it waits for will never be answered. */
    void failAll() {
        Publishing publishing = subscriber.context.publishing;
        synchronized (this) {
            ended = true;
            while (!unanswered.isEmpty()) {
                publishing.failed(subscriber.index, unanswered.pollFirst());
            }
        }
    }

    private static boolean startsWith(byte[] bytes, int offset, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[offset + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** Where the value after {@code key} starts, or {@code end} when there is no key. */
    private static int find(byte[] bytes, int from, int end, byte[] key) {
        outer:
        for (int i = from; i + key.length <= end; i++) {
            for (int j = 0; j < key.length; j++) {
                if (bytes[i + j] != key[j]) {
                    continue outer;
                }
            }
            return i + key.length;
        }
        return end;
    }

    /** The number at {@code at} (a leading minus allowed), or -1 when there is none or it is negative. */
    static long number(byte[] bytes, int at, int end) {
        if (at < end && bytes[at] == '-') {
            return -1;
        }
        long value = -1;
        for (int i = at; i < end; i++) {
            int digit = bytes[i] - '0';
            if (digit < 0 || digit > 9) {
                break;
            }
            value = (value < 0 ? 0 : value * 10) + digit;
        }
        return value;
    }
}
