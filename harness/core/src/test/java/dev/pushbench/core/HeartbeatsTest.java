package dev.pushbench.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class HeartbeatsTest {

    @Test
    void idleStreamsGetHeartbeatsAndBusyOnesDoNot() throws Exception {
        Duration interval = Duration.ofMillis(200);
        EventFeed feed = Fixtures.feed(2, 64);
        ServerConfig config = Fixtures.config(256, Backpressure.DISCONNECT).withHeartbeat(interval);
        try (PushContext context = new PushContext(feed, config)) {
            RecordingOutbox idle = RecordingOutbox.sync(context, 0, Fixtures.DIRECT);
            RecordingOutbox busy = RecordingOutbox.sync(context, 1, Fixtures.DIRECT);
            CountDownLatch threeHeartbeats = new CountDownLatch(3);
            idle.onWrite = threeHeartbeats::countDown;
            // the time each write of the busy stream started, as the heartbeat timer sees it
            List<Long> busyWriteStarts = new ArrayList<>();
            busy.onWrite = () -> {
                synchronized (busyWriteStarts) {
                    busyWriteStarts.add(busy.lastWriteNanos());
                }
            };
            idle.open(Route.LIVE);
            busy.open(Route.LIVE);
            AtomicBoolean publishing = new AtomicBoolean(true);
            Thread publisher = new Thread(() -> {
                while (publishing.get()) {
                    Fixtures.publish(feed, 1, 1);
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // pacing, not an assertion
                }
            }, "test-publisher");
            busy.begin();
            publisher.start();
            idle.begin();
            try {
                assertTrue(threeHeartbeats.await(60, TimeUnit.SECONDS), "an idle stream gets heartbeats");
            } finally {
                publishing.set(false);
                publisher.join(TimeUnit.SECONDS.toMillis(30));
            }
            idle.close();
            busy.close();
            flushTimer(context, interval); // a heartbeat the timer was writing as we closed is recorded by now

            assertTrue(idle.heartbeatsSent.get() >= 3);
            assertEquals(List.of(), idle.delivered);
            assertTrue(busy.delivered.size() > 0);
            // The timer asks for a heartbeat only when a stream has not started a write for a whole
            // interval, so the busy stream can have had one only across such a gap (a stalled
            // publisher on a loaded machine); without one it must have had none.
            long gaps = 0;
            synchronized (busyWriteStarts) {
                for (int i = 1; i < busyWriteStarts.size(); i++) {
                    if (busyWriteStarts.get(i) - busyWriteStarts.get(i - 1) >= interval.toNanos()) {
                        gaps++;
                    }
                }
            }
            assertTrue(busy.heartbeatsSent.get() <= 2 * gaps,
                    busy.heartbeatsSent.get() + " heartbeats for a stream with " + gaps + " idle gaps");
            assertEquals(idle.heartbeatsSent.get() + busy.heartbeatsSent.get(), context.counters().heartbeats.sum());
        }
    }

    @Test
    void heartbeatsStopWhenTheStreamCloses() throws Exception {
        Duration interval = Duration.ofMillis(40);
        EventFeed feed = Fixtures.feed(1, 64);
        try (PushContext context = new PushContext(feed, Fixtures.config(256, Backpressure.DISCONNECT).withHeartbeat(interval))) {
            RecordingOutbox out = RecordingOutbox.sync(context, 0, Fixtures.DIRECT);
            CountDownLatch first = new CountDownLatch(1);
            out.onWrite = first::countDown;
            out.open(Route.LIVE);
            out.begin();
            assertTrue(first.await(60, TimeUnit.SECONDS));
            out.close();
            flushTimer(context, interval); // a heartbeat the timer was writing as we closed is done by now
            int afterClose = out.heartbeatsSent.get();
            // two more ticks of the single timer thread later, nothing more was asked of the closed stream
            flushTimer(context, interval);
            flushTimer(context, interval);
            assertEquals(afterClose, out.heartbeatsSent.get());
            assertEquals(0, context.heartbeats().size());
        }
    }

    /** Returns once a task scheduled {@code delay} from now on the context's single timer thread has run. */
    private static void flushTimer(PushContext context, Duration delay) throws Exception {
        context.timer().schedule(() -> { }, delay.toNanos(), TimeUnit.NANOSECONDS).get(30, TimeUnit.SECONDS);
    }
}
