package dev.pushbench.micro;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebSocketFramesTest {

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 125, 126, 127, 65535, 65536, 70000})
    void aFrameDecodesToItsPayloadAtEveryLengthForm(int length) {
        byte[] payload = new byte[length + 6];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) ('a' + i % 26);
        }
        byte[] frame = WebSocketFrames.text(payload, 3, length);

        assertEquals(WebSocketFrames.headerBytes(length) + length, frame.length);
        WebSocketFrames.Header h = new WebSocketFrames.Header();
        assertTrue(h.decode(frame, 0, frame.length));
        assertEquals(WebSocketFrames.headerBytes(length), h.payloadOffset());
        assertEquals(length, h.payloadLength());
        assertArrayEquals(Arrays.copyOfRange(payload, 3, 3 + length),
                Arrays.copyOfRange(frame, h.payloadOffset(), h.payloadOffset() + length));
        // a frame cut anywhere is not taken for a whole one
        for (int cut : new int[] {0, 1, frame.length / 2, frame.length - 1}) {
            if (cut < frame.length) {
                assertFalse(h.decode(frame, 0, cut), "frame of " + length + " cut at " + cut);
            }
        }
    }

    @Test
    void headersFollowRfc6455() {
        assertArrayEquals(new byte[] {(byte) 0x81, 5}, Arrays.copyOf(WebSocketFrames.text(new byte[5], 0, 5), 2));
        assertArrayEquals(new byte[] {(byte) 0x81, 126, 0x01, 0x00},
                Arrays.copyOf(WebSocketFrames.text(new byte[256], 0, 256), 4));
        assertArrayEquals(new byte[] {(byte) 0x81, 127, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00},
                Arrays.copyOf(WebSocketFrames.text(new byte[65536], 0, 65536), 10));
    }

    @Test
    void onlyFinalUnmaskedTextFramesDecode() {
        WebSocketFrames.Header h = new WebSocketFrames.Header();
        assertFalse(h.decode(new byte[] {(byte) 0x82, 0}, 0, 2), "binary");
        assertFalse(h.decode(new byte[] {(byte) 0x01, 0}, 0, 2), "not final");
        assertFalse(h.decode(new byte[] {(byte) 0x81, (byte) 0x80, 0, 0, 0, 0}, 0, 6), "masked");
        assertTrue(h.decode(new byte[] {(byte) 0x81, 0}, 0, 2), "empty text");
    }

    @Test
    void badArgumentsAreRefusedWithTheirValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WebSocketFrames.headerBytes(-1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> WebSocketFrames.text(new byte[4], 2, 3));
    }
}
