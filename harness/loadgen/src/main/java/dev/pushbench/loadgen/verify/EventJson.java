package dev.pushbench.loadgen.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pushbench.core.FeedSpec;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

/**
 * An event as it arrived, checked against the wire format of DESIGN §3:
 * {@code {"topic":"t0","seq":42,"intended":<nanos>,"sent":<nanos>,"data":"…"}} with exactly these
 * fields and {@code data} of the feed's payload size; or a message a client published, which has
 * {@code "from"} and {@code "n"} after {@code sent} and the client's data, of any length.
 *
 * @param from the publisher of a client's message; -1 for a feed event
 * @param n    the publisher's message number; -1 for a feed event
 */
record EventJson(String topic, long seq, long intendedNanos, long sentNanos, long from, long n, String data) {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("topic", "seq", "intended", "sent", "data");
    private static final Set<String> MESSAGE_FIELDS = Set.of("topic", "seq", "intended", "sent", "from", "n", "data");

    boolean isMessage() {
        return from >= 0;
    }

    static EventJson parse(String text, FeedSpec feed, String where) throws CheckFailure {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (Exception e) {
            throw new CheckFailure(where + ": not JSON: " + HttpAnswer.snippet(text));
        }
        return of(node, feed, where);
    }

    static EventJson of(JsonNode node, FeedSpec feed, String where) throws CheckFailure {
        if (node == null || !node.isObject()) {
            throw new CheckFailure(where + ": an event must be a JSON object, got " + HttpAnswer.snippet(String.valueOf(node)));
        }
        Set<String> names = new TreeSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            names.add(it.next());
        }
        boolean message = names.equals(MESSAGE_FIELDS);
        if (!names.equals(FIELDS) && !message) {
            throw new CheckFailure(where + ": an event has exactly the fields " + new TreeSet<>(FIELDS) + " (a published message also "
                    + "from and n), got " + names);
        }
        JsonNode topic = node.get("topic");
        JsonNode seq = node.get("seq");
        JsonNode intended = node.get("intended");
        JsonNode sent = node.get("sent");
        JsonNode data = node.get("data");
        if (!topic.isTextual() || feed.topicIndex(topic.asText()) < 0) {
            throw new CheckFailure(where + ": event topic must name a topic t0…t" + (feed.topics() - 1) + ", got " + topic);
        }
        if (!seq.isIntegralNumber() || seq.asLong() < 1) {
            throw new CheckFailure(where + ": event seq must be an integer >= 1, got " + seq);
        }
        if (!intended.isIntegralNumber() || !sent.isIntegralNumber()) {
            throw new CheckFailure(where + ": event intended and sent must be integer nanoseconds, got " + intended + " and " + sent);
        }
        long from = -1;
        long n = -1;
        if (message) {
            JsonNode f = node.get("from");
            JsonNode k = node.get("n");
            if (!f.isIntegralNumber() || f.asLong() < 0 || f.asLong() > Integer.MAX_VALUE || !k.isIntegralNumber() || k.asLong() < 0) {
                throw new CheckFailure(where + ": a published message's from must be an int >= 0 and n a long >= 0, got " + f + " and " + k);
            }
            from = f.asLong();
            n = k.asLong();
            if (!data.isTextual()) {
                throw new CheckFailure(where + ": a published message's data must be a string, got " + data.getNodeType());
            }
        } else if (!data.isTextual() || data.asText().length() != feed.payloadBytes()) {
            throw new CheckFailure(where + ": event data must be " + feed.payloadBytes() + " characters (the feed's payload), got "
                    + (data.isTextual() ? data.asText().length() + " characters" : data.getNodeType().toString()));
        }
        return new EventJson(topic.asText(), seq.asLong(), intended.asLong(), sent.asLong(), from, n, data.asText());
    }
}
