package dev.pushbench.core;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Publishes every topic's events on their fixed {@link Schedule}, in the server process, the same
 * code for every stack: stacks differ in how they deliver bytes, never in what or when they publish.
 *
 * <pre>
 *   EventFeed feed = new EventFeed(spec);
 *   feed.subscribe(topic, listener);     // any time, from any thread
 *   feed.start(System.nanoTime());       // t0: event 1 of topic 0 is due then
 *   …
 *   feed.close();
 * </pre>
 *
 * <p>A restarted server continues its predecessor's schedule: {@code feed.start(t0, System.nanoTime())}
 * keeps the first server's t0 and never publishes the events that fell due before this start (they were
 * due while no server ran, and are lost to every subscriber); each topic's history begins after them.
 *
 * <p>One thread ({@code pushbench-feed}) publishes. When it falls behind, it publishes late and the
 * event keeps its intended time, so lateness shows in the subscribers' latency (coordinated
 * omission is exposed, not hidden); the lag itself (actual − intended) is recorded here. A feed of
 * rate 0 publishes nothing (its thread ends at once).
 *
 * <p>Clients publish too ({@link #publishFromClient}, from the stacks' threads). Feed events and
 * clients' messages share one seq space per topic: under the topic's lock an event takes the seq
 * after the ring's newest, is encoded, appended, and told to listeners and waiters, so every listener
 * sees a topic's events once each, in seq order. The feed thread keeps its own schedule index for
 * intended times; while no client publishes, each feed event's seq is its schedule index, as it always was.
 */
public final class EventFeed implements AutoCloseable {
    private final FeedSpec spec;
    private final TopicRing[] rings;
    private final CopyOnWriteArrayList<TopicListener>[] listeners;
    private final Set<TopicListener>[] waiters;
    private final Recorder lagRecorder = new Recorder(TimeUnit.SECONDS.toNanos(60), 3);
    private final Histogram lagTotal = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong publishedByClients = new AtomicLong();
    private final AtomicLong listenerFailures = new AtomicLong();
    private volatile Schedule schedule;
    private long[] firstSeqs;
    private volatile boolean running;
    private Thread thread;

    @SuppressWarnings("unchecked")
    public EventFeed(FeedSpec spec) {
        this.spec = spec;
        this.rings = new TopicRing[spec.topics()];
        this.listeners = new CopyOnWriteArrayList[spec.topics()];
        this.waiters = new Set[spec.topics()];
        for (int i = 0; i < spec.topics(); i++) {
            rings[i] = new TopicRing(spec.historyEvents());
            listeners[i] = new CopyOnWriteArrayList<>();
            waiters[i] = ConcurrentHashMap.newKeySet();
        }
    }

    public FeedSpec spec() {
        return spec;
    }

    public TopicRing ring(int topic) {
        return rings[topic];
    }

    /** The schedule, once {@link #start} has fixed t0; null before. */
    public Schedule schedule() {
        return schedule;
    }

    /** @return a handle that removes the listener */
    public AutoCloseable subscribe(int topic, TopicListener listener) {
        listeners[topic].add(listener);
        return () -> listeners[topic].remove(listener);
    }

    /**
     * Tells {@code listener} once, at the next event of {@code topic}: for long polls, which come and
     * go far more often than streams. A waiter must check the ring again after registering, since an
     * event may have been published between its check and this call.
     */
    public void awaitNext(int topic, TopicListener listener) {
        waiters[topic].add(listener);
    }

    /** @return true if the waiter was still registered (and so will not be told) */
    public boolean cancelAwait(int topic, TopicListener listener) {
        return waiters[topic].remove(listener);
    }

    /** Starts publishing with time zero {@code t0Nanos}, every event from seq 1 on (those already due at once, late). */
    public void start(long t0Nanos) {
        start(t0Nanos, Long.MIN_VALUE);
    }

    /**
     * Starts publishing on the schedule from {@code t0Nanos}, skipping every event due before
     * {@code skipDueBeforeNanos}: they are never published, not counted in {@link #publishedCount()}, and each
     * topic's {@link TopicRing} begins after them (its {@link TopicRing#latestSeq()} is the last skipped seq
     * from now on, so a live subscriber starts there and an older cursor is told of the gap).
     *
     * <p>Start a skipping feed before its server takes subscribers: one that subscribed live before would hold
     * the cursor 0, below the history's start.
     *
     * @param skipDueBeforeNanos on the {@code System.nanoTime()} clock; at or before {@code t0Nanos}, nothing is skipped
     */
    public synchronized void start(long t0Nanos, long skipDueBeforeNanos) {
        if (thread != null) {
            throw new IllegalStateException("feed already started");
        }
        Schedule s = new Schedule(t0Nanos, spec.topics(), spec.ratePerSecond());
        firstSeqs = new long[spec.topics()];
        for (int topic = 0; topic < spec.topics(); topic++) {
            firstSeqs[topic] = s.firstSeqAtOrAfter(topic, skipDueBeforeNanos);
            if (firstSeqs[topic] > 1) {
                rings[topic].startAfter(firstSeqs[topic] - 1);
            }
        }
        schedule = s;
        running = true;
        thread = new Thread(this::run, "pushbench-feed");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        Schedule s = schedule;
        if (s.isSilent()) {
            return;
        }
        int topics = spec.topics();
        long[] first = firstSeqs;
        // topics' phases lie within one period, so their first seqs differ by at most one: start at the
        // smallest and pass over the (topic, seq) pairs that were skipped
        long seq = Long.MAX_VALUE;
        for (long f : first) {
            seq = Math.min(seq, f);
        }
        int topic = 0;
        while (running) {
            if (seq < first[topic]) {
                if (++topic == topics) {
                    topic = 0;
                    seq++;
                }
                continue;
            }
            long due = s.intendedNanos(topic, seq);
            long now = System.nanoTime();
            if (due > now) {
                LockSupport.parkNanos(due - now);
                continue;
            }
            publishScheduled(topic, due);
            if (++topic == topics) {
                topic = 0;
                seq++;
            }
        }
    }

    /**
     * Publishes one feed event now, as the feed thread does; public for tests and micro-benchmarks that drive
     * the feed by hand.
     *
     * @param seq the seq it must get: the topic's next (its ring's newest + 1)
     * @throws IllegalStateException when {@code seq} is not the topic's next (another publisher came first)
     */
    public Event publish(int topic, long seq, long intendedNanos) {
        synchronized (rings[topic]) {
            long next = rings[topic].latestSeq() + 1;
            if (seq != next) {
                throw new IllegalStateException("seq " + seq + " is not topic " + FeedSpec.topicName(topic) + "'s next, " + next);
            }
            return publishScheduled(topic, intendedNanos);
        }
    }

    private Event publishScheduled(int topic, long intendedNanos) {
        Event event;
        synchronized (rings[topic]) {
            long sentNanos = System.nanoTime();
            event = Event.encode(topic, rings[topic].latestSeq() + 1, intendedNanos, sentNanos, spec.payloadBytes());
            append(event);
        }
        lagRecorder.recordValue(Math.min(Math.max(0, event.sentNanos() - intendedNanos), TimeUnit.SECONDS.toNanos(60)));
        return event;
    }

    /**
     * Sequences a message a client published into {@code topic}, as the next event of the topic: encoded with
     * {@link Event#encodeMessage} (its data copied out of {@code body}'s bytes, which the caller may reuse on
     * return), appended to history, told to every listener and waiter before this returns.
     *
     * @param body a body that {@link PublishBody#parse parsed} without a reason
     * @return the event, whose {@link Event#seq()} is the seq to answer the client
     */
    public Event publishFromClient(int topic, PublishBody body) {
        if (!body.isValid()) {
            throw new IllegalArgumentException("the body was not parsed, or was malformed");
        }
        Event event;
        synchronized (rings[topic]) {
            event = Event.encodeMessage(topic, rings[topic].latestSeq() + 1, System.nanoTime(), body);
            append(event);
        }
        publishedByClients.incrementAndGet();
        return event;
    }

    /** Under the topic's lock: into history, then to listeners and waiters, so that they see seqs in order. */
    private void append(Event event) {
        int topic = event.topic();
        rings[topic].append(event);
        published.incrementAndGet();
        for (TopicListener listener : listeners[topic]) {
            tell(listener, event);
        }
        Set<TopicListener> waiting = waiters[topic];
        if (!waiting.isEmpty()) {
            for (TopicListener waiter : waiting) {
                if (waiting.remove(waiter)) {
                    tell(waiter, event);
                }
            }
        }
    }

    private void tell(TopicListener listener, Event event) {
        try {
            listener.onPublished(event);
        } catch (RuntimeException e) {
            listenerFailures.incrementAndGet();
        }
    }

    /**
     * The heap every topic's history holds now (see {@link Event#retainedBytes()}). It grows with each
     * event until the rings are full, also while memory is read per connection after the window, so
     * that reading subtracts it.
     */
    public long historyBytes() {
        long bytes = 0;
        for (TopicRing ring : rings) {
            bytes += ring.retainedBytes();
        }
        return bytes;
    }

    /** Every event appended to a topic's history: the feed's and the clients' messages ({@link #publishedByClientsCount()}). */
    public long publishedCount() {
        return published.get();
    }

    /** The messages clients published ({@link #publishFromClient}), a part of {@link #publishedCount()}. */
    public long publishedByClientsCount() {
        return publishedByClients.get();
    }

    public long listenerFailures() {
        return listenerFailures.get();
    }

    /** Publisher lag (actual − intended publish time) since the start, in nanoseconds. */
    public synchronized Histogram publisherLag() {
        lagTotal.add(lagRecorder.getIntervalHistogram());
        return lagTotal.copy();
    }

    @Override
    public void close() {
        running = false;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
