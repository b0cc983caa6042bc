package dev.pushbench.model.control;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.pushbench.model.JsonFiles;

/** Control messages as JSON lines and back. */
public final class ControlCodec {
    private ControlCodec() {
    }

    public static String encode(ControlMessage message) {
        return JsonFiles.line(message);
    }

    /**
     * @throws IllegalArgumentException when the line is not a control message, naming what is wrong
     */
    public static ControlMessage decode(String line) {
        try {
            ControlMessage m = JsonFiles.parse(line, ControlMessage.class);
            if (m == null) {
                throw new IllegalArgumentException("not a control message: null");
            }
            return m;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a control message: " + e.getOriginalMessage(), e);
        }
    }

    /** The id a message type has in {@code "type"} ({@code listening}, {@code memory-point}…), for messages to people. */
    public static String typeName(Class<? extends ControlMessage> type) {
        for (JsonSubTypes.Type t : ControlMessage.class.getAnnotation(JsonSubTypes.class).value()) {
            if (t.value() == type) {
                return t.name();
            }
        }
        throw new IllegalArgumentException(type.getName() + " is not listed in ControlMessage's @JsonSubTypes");
    }

    /** Whether a line looks like a control message (a JSON object); other lines a child prints are its own text. */
    public static boolean looksLikeMessage(String line) {
        return line.startsWith("{\"type\":");
    }
}
