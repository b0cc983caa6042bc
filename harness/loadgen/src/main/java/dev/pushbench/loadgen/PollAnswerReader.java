package dev.pushbench.loadgen;

import dev.pushbench.core.EventFields;
import java.nio.charset.StandardCharsets;

/**
 * Reads a poll answer ({@code {"topic":…,"cursor":N,"lost":N,"events":[…]}}, see
 * {@code dev.pushbench.core.PollAnswer}) in place, event by event, without building objects.
 *
 * <pre>
 *   if (reader.open(body, length)) {
 *       while (reader.next()) handle(reader.event().seq(), …);
 *       cursor = reader.cursor();
 *   }
 * </pre>
 */
public final class PollAnswerReader {
    private static final byte[] CURSOR = "\"cursor\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LOST = "\"lost\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENTS = "\"events\":[".getBytes(StandardCharsets.US_ASCII);

    private final EventFields fields = new EventFields();
    private byte[] body;
    private int limit;
    private int at;
    private long cursor;
    private long lost;
    private int count;

    /** @return false when the body is not a poll answer */
    public boolean open(byte[] body, int length) {
        this.body = body;
        this.limit = length;
        this.count = 0;
        // the server writes the fields in this order: each search starts where the last one ended
        int c = find(0, CURSOR);
        int l = c < 0 ? -1 : find(c, LOST);
        int e = l < 0 ? -1 : find(l, EVENTS);
        if (e < 0) {
            c = find(0, CURSOR);
            l = find(0, LOST);
            e = find(0, EVENTS);
        }
        if (c < 0 || l < 0 || e < 0) {
            return false;
        }
        cursor = number(c);
        lost = number(l);
        at = e;
        return cursor >= 0 && lost >= 0;
    }

    /** Moves to the next event; false at the end of the list. */
    public boolean next() {
        if (at >= limit || body[at] == ']') {
            return false;
        }
        if (!fields.parse(body, at, limit - at)) {
            return false;
        }
        at = fields.end();
        // skip the rest of this event object: its data string holds no braces
        while (at < limit && body[at] != '}') {
            at++;
        }
        at++;
        if (at < limit && body[at] == ',') {
            at++;
        }
        count++;
        return true;
    }

    public EventFields event() {
        return fields;
    }

    public long cursor() {
        return cursor;
    }

    public long lost() {
        return lost;
    }

    public int count() {
        return count;
    }

    private int find(int from, byte[] key) {
        outer:
        for (int i = from; i <= limit - key.length; i++) {
            for (int j = 0; j < key.length; j++) {
                if (body[i + j] != key[j]) {
                    continue outer;
                }
            }
            return i + key.length;
        }
        return -1;
    }

    private long number(int from) {
        long v = 0;
        int i = from;
        while (i < limit && body[i] >= '0' && body[i] <= '9') {
            v = v * 10 + (body[i] - '0');
            i++;
        }
        return i == from ? -1 : v;
    }
}
