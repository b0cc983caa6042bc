package dev.pushbench.runner.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SuggestionsTest {

    private static final List<String> FEED = List.of("topics", "rate", "payload", "history");
    private static final List<String> IDS = List.of("sse", "websocket", "long-polling", "short-polling", "http1.1", "h2c");

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "paylod     | payload",   // one edit
            "Payload    | payload",   // case
            "pyload     | payload",
            "topic      | topics",
            "histroy    | history",   // two edits (a swap)
            "rates      | rate",
            "PAYLOAD    | payload",
            "payloadBytes |",         // too far
            "x          |",
            "ra         |",           // two edits, but nothing of it would be left
    })
    void keys(String input, String expected) {
        assertEquals(expected, Suggestions.closest(input, FEED));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "websockets | websocket",
            "WebSocket  | websocket",
            "HTTP/1.1   | http1.1",
            "http1      | http1.1",
            "h2         | h2c",
            "long-poll  | long-polling",   // an abbreviation
            "long_polling | long-polling",
            "ws         |",
            "h3         |",
    })
    void ids(String input, String expected) {
        assertEquals(expected, Suggestions.closest(input, IDS));
    }

    @ParameterizedTest
    @CsvSource({"kitten,sitting,3", "'',abc,3", "abc,abc,0", "paylod,payload,1", "ab,ba,2"})
    void levenshtein(String a, String b, int edits) {
        assertEquals(edits, Suggestions.levenshtein(a, b));
    }
}
