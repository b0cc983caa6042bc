package dev.pushbench.loadgen;

import dev.pushbench.core.Clocks;
import dev.pushbench.core.FeedSpec;
import dev.pushbench.loadgen.Recorders.Metric;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The publishing side of a two-way cell: one thread sends every publishing subscriber's messages on a fixed
 * schedule, and the acknowledgements and failures come back here from the subscribers' connections.
 *
 * <pre>
 *   Publishing publishing = new Publishing(spec, window, recorders, ledger);
 *   publishing.start(startNanos, endNanos, subscribers);   // after the ramp; stops by itself at endNanos
 *   …
 *   publishing.acked(publisher, n, topic, seq, nowNanos);   // from a connection's thread
 * </pre>
 *
 * <p>Schedule (open loop, as the feed's): publisher {@code i} sends its message {@code n} at
 * {@code start + (n + phase(i)) / rate}, {@code phase(i)} the fractional part of {@code i × 0.618…} (the golden
 * ratio's): the publishers spread evenly over one period, but in an order that does not follow their index, so that a
 * publisher's sends keep no fixed offset to its own polls (a short-polling client polls at a phase that grows with
 * its index, and a send period that is a multiple of the poll interval would otherwise give each publisher one echo
 * time, the same for all its messages). A message carries the time it was
 * due as its {@code sent}, never the time it left: a generator that falls behind shows it in the ack, echo and
 * delivery latencies, and in {@code loadgen.lateSends}. A message whose publisher has no live connection when it is
 * due is not sent and counts as failed (a real client would queue it; here that would hide the outage).
 *
 * <p>What counts in the window: messages due in it ({@code published}), their acknowledgements ({@code acked}, with
 * the time from due to ack in {@link Metric#ACK}) and their failures ({@code failed}: refused, nacked, or their
 * connection ended before the answer).
 */
final class Publishing {
    private final PublishSpec spec;
    private final Window window;
    private final Recorders recorders;
    private final PublishLedger ledger;
    private final int publishers;
    private final int topics;
    private final double periodNanos;
    /** Each publisher's phase, a fraction of the period. */
    private final double[] phases;
    /** The publishers by phase: the order in which one period's messages fall due. */
    private final int[] byPhase;
    private final String data;
    final LongAdder published = new LongAdder();
    final LongAdder acked = new LongAdder();
    final LongAdder failed = new LongAdder();
    private final LongAdder unsettled = new LongAdder();
    private volatile long startNanos;
    private volatile boolean running;
    private Thread thread;

    Publishing(LoadSpec spec, Window window, Recorders recorders, PublishLedger ledger) {
        this.spec = spec.publish();
        this.window = window;
        this.recorders = recorders;
        this.ledger = ledger;
        this.publishers = this.spec.publishers(spec.connections());
        this.topics = spec.schedule().topics();
        this.periodNanos = 1e9 / this.spec.ratePerSecond();
        this.phases = new double[publishers];
        for (int i = 0; i < publishers; i++) {
            phases[i] = (i * GOLDEN_RATIO_FRACTION) % 1.0;
        }
        this.byPhase = java.util.stream.IntStream.range(0, publishers).boxed()
                .sorted(java.util.Comparator.comparingDouble(i -> phases[i])).mapToInt(Integer::intValue).toArray();
        StringBuilder b = new StringBuilder(this.spec.payloadBytes());
        for (int i = 0; i < this.spec.payloadBytes(); i++) {
            b.append((char) ('a' + i % 26));
        }
        this.data = b.toString();
    }

    private static final double GOLDEN_RATIO_FRACTION = 0.6180339887498949;

    PublishLedger ledger() {
        return ledger;
    }

    int publishers() {
        return publishers;
    }

    /** True if subscriber {@code index} publishes: the first {@link #publishers()} by index. */
    boolean publishes(int index) {
        return index < publishers;
    }

    /** Sends every publisher's messages due in {@code [startNanos, endNanos)}, from a thread of its own. */
    synchronized void start(long startNanos, long endNanos, Subscriber[] subscribers) {
        this.startNanos = startNanos;
        running = true;
        thread = new Thread(() -> run(endNanos, subscribers), "pushbench-publish");
        thread.setDaemon(true);
        thread.start();
    }

    private void run(long endNanos, Subscriber[] subscribers) {
        long k = 0;
        while (running) {
            int publisher = byPhase[(int) (k % publishers)];
            long n = k / publishers;
            long due = dueNanos(publisher, n);
            if (due >= endNanos) {
                return;
            }
            long now = Clocks.nanoTime();
            if (due > now) {
                LockSupport.parkNanos(due - now);
                continue;
            }
            send(subscribers[publisher], n, due);
            k++;
        }
    }

    private void send(Subscriber subscriber, long n, long due) {
        subscriber.context.sentOnSchedule(due);
        if (window.contains(due)) {
            published.increment();
        }
        unsettled.increment();
        int topic = spec.to() == PublishSpec.Target.OWN ? subscriber.topic : ThreadLocalRandom.current().nextInt(topics);
        byte[] body = body(subscriber.index, n, due);
        if (!subscriber.publish(n, topic, body)) {
            failed(subscriber.index, n);
        }
    }

    /** When publisher {@code publisher}'s message {@code n} is due. */
    long dueNanos(int publisher, long n) {
        return startNanos + Math.round((n + phases[publisher]) * periodNanos);
    }

    /** The message as the server takes it: {@code {"from":…,"n":…,"sent":…,"data":"…"}}. */
    byte[] body(int from, long n, long dueNanos) {
        return ("{\"from\":" + from + ",\"n\":" + n + ",\"sent\":" + dueNanos + ",\"data\":\"" + data + "\"}")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** The path a publish to {@code topic} is posted to. */
    static String target(int topic) {
        return "/publish/" + FeedSpec.topicName(topic);
    }

    /** The server sequenced publisher {@code publisher}'s message {@code n} into {@code topic} as {@code seq}. */
    void acked(int publisher, long n, int topic, long seq, long receivedNanos) {
        long due = dueNanos(publisher, n);
        ledger.acknowledged(topic, seq, due);
        unsettled.decrement();
        if (window.contains(due)) {
            acked.increment();
            recorders.record(Metric.ACK, receivedNanos - due);
        }
    }

    /** Publisher {@code publisher}'s message {@code n} was refused, or its answer will never come. */
    void failed(int publisher, long n) {
        unsettled.decrement();
        if (window.contains(dueNanos(publisher, n))) {
            failed.increment();
        }
    }

    /** Every message sent has been answered or has failed. */
    boolean allSettled() {
        return unsettled.sum() <= 0;
    }

    void stop() {
        running = false;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            LockSupport.unpark(t);
        }
    }
}
