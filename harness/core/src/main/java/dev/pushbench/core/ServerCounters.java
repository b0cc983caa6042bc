package dev.pushbench.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** What a server did, counted by the shared delivery code so that every stack counts alike. */
public final class ServerCounters {
    public final LongAdder subscribes = new LongAdder();
    public final LongAdder unsubscribes = new LongAdder();
    public final LongAdder eventsWritten = new LongAdder();
    public final LongAdder writes = new LongAdder();
    public final LongAdder writeFailures = new LongAdder();
    public final LongAdder heartbeats = new LongAdder();
    public final LongAdder pollRequests = new LongAdder();
    public final LongAdder emptyPollAnswers = new LongAdder();
    public final LongAdder backpressureDisconnects = new LongAdder();
    public final LongAdder backpressureDroppedEvents = new LongAdder();
    /** Events a resume or poll asked for that had already left history. */
    public final LongAdder historyMisses = new LongAdder();
    public final LongAdder badRequests = new LongAdder();

    public long activeSubscribers() {
        return subscribes.sum() - unsubscribes.sum();
    }

    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("subscribes", subscribes.sum());
        m.put("activeSubscribers", activeSubscribers());
        m.put("eventsWritten", eventsWritten.sum());
        m.put("writes", writes.sum());
        m.put("writeFailures", writeFailures.sum());
        m.put("heartbeats", heartbeats.sum());
        m.put("pollRequests", pollRequests.sum());
        m.put("emptyPollAnswers", emptyPollAnswers.sum());
        m.put("backpressureDisconnects", backpressureDisconnects.sum());
        m.put("backpressureDroppedEvents", backpressureDroppedEvents.sum());
        m.put("historyMisses", historyMisses.sum());
        m.put("badRequests", badRequests.sum());
        return m;
    }
}
