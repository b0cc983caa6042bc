package dev.pushbench.core;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/** Small builders shared by the core tests: feeds driven by hand, configs, executors the test controls. */
final class Fixtures {
    private Fixtures() {
    }

    static EventFeed feed(int topics, int historyEvents) {
        return new EventFeed(new FeedSpec(topics, 10, 16, historyEvents));
    }

    /** Publishes the next {@code count} events of {@code topic}, as the feed thread would (seq = latest + 1). */
    static void publish(EventFeed feed, int topic, int count) {
        for (int i = 0; i < count; i++) {
            long seq = feed.ring(topic).latestSeq() + 1;
            feed.publish(topic, seq, System.nanoTime());
        }
    }

    /** A config whose heartbeats never fire during a test (1 h), so that only the test asks for them. */
    static ServerConfig config(int maxBatchEvents, Backpressure backpressure) {
        return new ServerConfig("127.0.0.1", 0, Protocol.HTTP_1_1, Duration.ofHours(1), Duration.ofSeconds(1),
                Duration.ofHours(1), maxBatchEvents, backpressure, null);
    }

    static final Executor DIRECT = Runnable::run;

    /** Runs what it is given only when the test says so, on the test's thread. */
    static final class ManualExecutor implements Executor {
        private final Queue<Runnable> tasks = new ArrayDeque<>();

        @Override
        public synchronized void execute(Runnable task) {
            tasks.add(task);
        }

        synchronized int queued() {
            return tasks.size();
        }

        /** Runs queued tasks (and those they queue) until none is left; returns how many ran. */
        int runAll() {
            int ran = 0;
            for (;;) {
                Runnable task;
                synchronized (this) {
                    task = tasks.poll();
                }
                if (task == null) {
                    return ran;
                }
                task.run();
                ran++;
            }
        }
    }
}
