package dev.pushbench.core;

import java.nio.charset.StandardCharsets;

/**
 * One published event, encoded once and shared by every subscriber and every transport.
 *
 * <p>The canonical form is the JSON text
 * {@code {"topic":"t0","seq":42,"intended":<nanos>,"sent":<nanos>,"data":"…"}}; the SSE frame
 * ({@code id:}, {@code event:}, {@code data:}, blank line) is built around it in the same array, so
 * that SSE writes the frame and WebSocket and polling write the JSON slice, without copying.
 * {@code intended} is the schedule's time, {@code sent} the moment the feed published it, both
 * {@link System#nanoTime()} of the server process.
 *
 * <p>A message a client published ({@link #encodeMessage}) has the same form with its publisher's id and
 * message number after {@code sent}:
 * {@code {"topic":"t3","seq":42,"intended":<client's sent>,"sent":<nanos>,"from":17,"n":5,"data":"…"}}, its
 * {@code intended} being the client's send time (the same monotonic clock on one machine) and its {@code data}
 * the client's text, escapes as the client wrote them.
 */
public final class Event {
    /** The SSE {@code event:} name of every pushed event. */
    public static final String SSE_EVENT_NAME = "push";

    private final int topic;
    private final long seq;
    private final long intendedNanos;
    private final long sentNanos;
    private final byte[] sseFrame;
    private final int jsonOffset;
    private final int jsonLength;
    private volatile String jsonText;

    Event(int topic, long seq, long intendedNanos, long sentNanos, byte[] sseFrame, int jsonOffset, int jsonLength) {
        this.topic = topic;
        this.seq = seq;
        this.intendedNanos = intendedNanos;
        this.sentNanos = sentNanos;
        this.sseFrame = sseFrame;
        this.jsonOffset = jsonOffset;
        this.jsonLength = jsonLength;
    }

    /** Encodes an event whose {@code data} is {@code payloadBytes} ASCII characters. */
    public static Event encode(int topic, long seq, long intendedNanos, long sentNanos, int payloadBytes) {
        String head = "{\"topic\":\"" + FeedSpec.topicName(topic) + "\",\"seq\":" + seq
                + ",\"intended\":" + intendedNanos + ",\"sent\":" + sentNanos + ",\"data\":\"";
        String tail = "\"}";
        String ssePrefix = "id: " + seq + "\nevent: " + SSE_EVENT_NAME + "\ndata: ";
        String sseSuffix = "\n\n";
        int jsonLength = head.length() + payloadBytes + tail.length();
        byte[] frame = new byte[ssePrefix.length() + jsonLength + sseSuffix.length()];
        int at = put(frame, 0, ssePrefix);
        int jsonOffset = at;
        at = put(frame, at, head);
        for (int i = 0; i < payloadBytes; i++) {
            frame[at++] = (byte) ('a' + (i % 26));
        }
        at = put(frame, at, tail);
        put(frame, at, sseSuffix);
        return new Event(topic, seq, intendedNanos, sentNanos, frame, jsonOffset, jsonLength);
    }

    /**
     * Encodes a message a client published, sequenced as {@code seq} at {@code sentNanos}: its {@code intended}
     * is the client's send time, its {@code data} the body's text copied verbatim.
     */
    public static Event encodeMessage(int topic, long seq, long sentNanos, PublishBody body) {
        long intendedNanos = body.sentNanos();
        String head = "{\"topic\":\"" + FeedSpec.topicName(topic) + "\",\"seq\":" + seq
                + ",\"intended\":" + intendedNanos + ",\"sent\":" + sentNanos + ",\"from\":" + body.from()
                + ",\"n\":" + body.n() + ",\"data\":\"";
        String tail = "\"}";
        String ssePrefix = "id: " + seq + "\nevent: " + SSE_EVENT_NAME + "\ndata: ";
        String sseSuffix = "\n\n";
        int dataLength = body.dataLength();
        int jsonLength = head.length() + dataLength + tail.length();
        byte[] frame = new byte[ssePrefix.length() + jsonLength + sseSuffix.length()];
        int at = put(frame, 0, ssePrefix);
        int jsonOffset = at;
        at = put(frame, at, head);
        System.arraycopy(body.source(), body.dataOffset(), frame, at, dataLength);
        at = put(frame, at + dataLength, tail);
        put(frame, at, sseSuffix);
        return new Event(topic, seq, intendedNanos, sentNanos, frame, jsonOffset, jsonLength);
    }

    private static int put(byte[] into, int at, String ascii) {
        for (int i = 0; i < ascii.length(); i++) {
            into[at++] = (byte) ascii.charAt(i);
        }
        return at;
    }

    public int topic() {
        return topic;
    }

    public long seq() {
        return seq;
    }

    public long intendedNanos() {
        return intendedNanos;
    }

    public long sentNanos() {
        return sentNanos;
    }

    /** The whole SSE frame; callers must not modify it. */
    public byte[] sseFrame() {
        return sseFrame;
    }

    /** The JSON text lies in {@link #sseFrame()} at this offset. */
    public int jsonOffset() {
        return jsonOffset;
    }

    public int jsonLength() {
        return jsonLength;
    }

    /** The JSON as a String (for WebSocket text frames), made once on first use. */
    public String jsonText() {
        String text = jsonText;
        if (text == null) {
            // a client's data may hold UTF-8; for the feed's ASCII this decodes alike
            text = new String(sseFrame, jsonOffset, jsonLength, StandardCharsets.UTF_8);
            jsonText = text;
        }
        return text;
    }

    /**
     * The heap this event holds, estimated from the object layout of a 64-bit HotSpot JVM with
     * compressed references (the default below 32 GB of heap; children run with -Xmx2g): a 56-byte
     * object, its SSE frame as a byte array, and the JSON text if a stack asked for it (a String
     * of one-byte characters and its array, an estimate for a client's non-ASCII text). Arrays have a 16-byte header; objects are 8-byte aligned.
     */
    public long retainedBytes() {
        long bytes = EVENT_OBJECT_BYTES + arrayBytes(sseFrame.length);
        if (jsonText != null) {
            bytes += STRING_OBJECT_BYTES + arrayBytes(jsonLength);
        }
        return bytes;
    }

    private static final long EVENT_OBJECT_BYTES = 56;
    private static final long STRING_OBJECT_BYTES = 24;

    private static long arrayBytes(int length) {
        return (16 + length + 7) & ~7L;
    }

    @Override
    public String toString() {
        return "Event[" + FeedSpec.topicName(topic) + "#" + seq + "]";
    }
}
