package dev.pushbench.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Event#retainedBytes()} is an estimate from the object layout; this holds it against what
 * this JVM's heap actually grows by (after GC) when it keeps many events, with and without the JSON
 * text a WebSocket stack asks for. The memory points subtract it from the server's heap.
 */
class EventRetainedBytesTest {
    private static final int EVENTS = 50_000;

    @Test
    void theEstimateIsWhatTheHeapGrowsBy() {
        for (int payload : new int[] {64, 256, 1024}) {
            for (boolean withText : new boolean[] {false, true}) {
                List<Event> kept = new ArrayList<>(EVENTS);
                long before = heapAfterGc();
                long estimated = 0;
                for (int i = 0; i < EVENTS; i++) {
                    Event e = Event.encode(i % 7, 1_000_000 + i, 123_456_789_000L + i, 123_456_790_000L + i, payload);
                    if (withText) {
                        e.jsonText();
                    }
                    estimated += e.retainedBytes();
                    kept.add(e);
                }
                long grown = heapAfterGc() - before;
                // the list's own array: 16 + 4 bytes a reference, and a little GC noise
                long measured = grown - (16 + 4L * EVENTS);
                assertEquals(estimated, measured, 0.03 * estimated, payload + " B payload, text " + withText
                        + ": estimated " + estimated / EVENTS + " B an event, heap grew " + measured / EVENTS + " B an event");
                kept.clear();
            }
        }
    }

    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
