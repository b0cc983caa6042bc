package dev.pushbench.loadgen.verify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pushbench.core.FeedSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * A poll answer, long or short, checked for shape:
 * {@code {"topic":"t0","cursor":57,"lost":0,"events":[…]}} with events in seq order without gaps,
 * and the cursor at the last event when there are events.
 */
record PollBody(String topic, long cursor, long lost, List<EventJson> events) {

    static PollBody parse(HttpAnswer answer, FeedSpec feed) throws CheckFailure {
        String where = answer.request();
        JsonNode node;
        try {
            node = EventJson.JSON.readTree(answer.body());
        } catch (Exception e) {
            throw new CheckFailure(where + ": the answer is not JSON: " + HttpAnswer.snippet(answer.body()));
        }
        if (node == null || !node.isObject()) {
            throw new CheckFailure(where + ": the answer must be a JSON object, got " + HttpAnswer.snippet(answer.body()));
        }
        JsonNode topic = node.get("topic");
        JsonNode cursor = node.get("cursor");
        JsonNode lost = node.get("lost");
        JsonNode events = node.get("events");
        if (topic == null || !topic.isTextual() || cursor == null || !cursor.isIntegralNumber() || cursor.asLong() < 0
                || lost == null || !lost.isIntegralNumber() || lost.asLong() < 0 || events == null || !events.isArray()) {
            throw new CheckFailure(where + ": expected {\"topic\":\"t…\",\"cursor\":<n >= 0>,\"lost\":<n >= 0>,\"events\":[…]}, got "
                    + HttpAnswer.snippet(answer.body()));
        }
        List<EventJson> list = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            EventJson e = EventJson.of(events.get(i), feed, where + " events[" + i + "]");
            if (!e.topic().equals(topic.asText())) {
                throw new CheckFailure(where + " events[" + i + "]: topic " + e.topic() + " in an answer for " + topic.asText());
            }
            if (!list.isEmpty() && e.seq() != list.get(list.size() - 1).seq() + 1) {
                throw new CheckFailure(where + ": events must follow each other without gaps, got seq "
                        + list.get(list.size() - 1).seq() + " then " + e.seq());
            }
            list.add(e);
        }
        if (!list.isEmpty() && cursor.asLong() != list.get(list.size() - 1).seq()) {
            throw new CheckFailure(where + ": the cursor must be the last event's seq " + list.get(list.size() - 1).seq()
                    + ", got " + cursor.asLong());
        }
        return new PollBody(topic.asText(), cursor.asLong(), lost.asLong(), List.copyOf(list));
    }

    long firstSeq() {
        return events.get(0).seq();
    }

    @Override
    public String toString() {
        return "{topic " + topic + ", cursor " + cursor + ", lost " + lost + ", events "
                + (events.isEmpty() ? "none" : events.get(0).seq() + ".." + events.get(events.size() - 1).seq()) + "}";
    }
}
