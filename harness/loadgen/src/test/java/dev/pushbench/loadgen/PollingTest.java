package dev.pushbench.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.core.Protocol;
import dev.pushbench.core.Schedule;
import dev.pushbench.core.Transport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * When a subscriber polls next, the one piece of scheduling both client engines use: the values of
 * the plans it hands to the poller, computed from given plan and answer times (no clock is read for
 * them), whether they go out at once or through the generator's timer, and the poll timeouts.
 */
@Timeout(30)
class PollingTest {
    private static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
    private final Window window = new Window();

    /** Records the plans it is asked to poll at, and on which thread. */
    private static final class Plans implements Polling.Poller {
        final List<Long> planned = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();

        @Override
        public void poll(long plannedNanos) {
            planned.add(plannedNanos);
            threads.add(Thread.currentThread().getName());
        }

        @Override
        public boolean isClosed() {
            return false;
        }
    }

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    private Polling polling(Transport transport, int index, int connections, Duration interval, Duration hold) {
        return polling(transport, index, connections, interval, hold, null);
    }

    /** With the dead-connection timer ({@code null}: the default, twice the 15 s heartbeat). */
    private Polling polling(Transport transport, int index, int connections, Duration interval, Duration hold, Duration deadAfter) {
        Schedule schedule = new Schedule(System.nanoTime(), 1, 10);
        LoadSpec spec = new LoadSpec("127.0.0.1", 1, Protocol.HTTP_1_1, transport, connections, 100, 0, schedule,
                Duration.ZERO, Duration.ofSeconds(1), Duration.ZERO, interval, hold, Duration.ofSeconds(15),
                Duration.ofSeconds(1), Path.of("unused.hlog"), null, ClientEngineKind.NIO, java.util.List.of(),
                Duration.ZERO, false, null, deadAfter);
        LoadContext context = new LoadContext("polling-test-", spec, null, new Recorders(), window, timer);
        return Polling.of(new NioPollingSubscriber(context, index));
    }

    @Test
    void shortPollingJoinsTheScheduleAtItsPhaseAfterTheFirstAnswer() {
        Polling p = polling(Transport.SHORT_POLLING, 1, 4, Duration.ofMillis(100), Duration.ofSeconds(1));
        Plans plans = new Plans();
        long answered = System.nanoTime() - TimeUnit.SECONDS.toNanos(1);
        p.next(plans, answered - 5_000_000, answered, true);
        assertEquals(List.of(answered + INTERVAL_NANOS / 4), plans.planned, "subscriber 1 of 4: a quarter interval after the answer");
    }

    @Test
    void aLateShortPollKeepsItsPlanAndGoesAtOnce() {
        Polling p = polling(Transport.SHORT_POLLING, 0, 1, Duration.ofMillis(100), Duration.ofSeconds(1));
        Plans plans = new Plans();
        long planned = System.nanoTime() - TimeUnit.SECONDS.toNanos(10);
        // answered far past the next plan: the next poll is due already, and counts from its plan, not from now
        p.next(plans, planned, planned + TimeUnit.SECONDS.toNanos(9), false);
        assertEquals(List.of(planned + INTERVAL_NANOS), plans.planned);
        assertEquals(List.of(Thread.currentThread().getName()), plans.threads, "sent at once, not through the timer");
        assertEquals(0, timer.getQueue().size());
    }

    @Test
    void aShortPollDueLaterGoesThroughTheTimerWhichCountsItsLateness() throws Exception {
        Polling p = polling(Transport.SHORT_POLLING, 0, 1, Duration.ofMillis(100), Duration.ofSeconds(1));
        Plans plans = new Plans();
        long planned = System.nanoTime() - INTERVAL_NANOS + TimeUnit.MILLISECONDS.toNanos(30);
        window.set(planned - TimeUnit.SECONDS.toNanos(1), planned + TimeUnit.SECONDS.toNanos(10));
        p.next(plans, planned, planned, false);
        assertEquals(List.of(), plans.planned, "not due yet");
        NioFixtures.await(() -> plans.planned.size() == 1, "the timer sends it");
        assertEquals(planned + INTERVAL_NANOS, plans.planned.get(0));
        assertTrue(plans.threads.get(0).startsWith("pool-"), plans.threads.toString());
        assertEquals(1, p.context.scheduledSends.sum(), "a send the timer planned inside the window is counted");
    }

    @Test
    void longPollingPollsAgainAtOnceFromTheAnswer() {
        Polling p = polling(Transport.LONG_POLLING, 0, 1, Duration.ofMillis(100), Duration.ofSeconds(1));
        Plans plans = new Plans();
        p.next(plans, 1_000, 2_000, true);
        p.next(plans, 2_000, 3_000, false);
        assertEquals(List.of(2_000L, 3_000L), plans.planned);
        assertEquals(0, timer.getQueue().size());
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"SHORT_POLLING", "LONG_POLLING"})
    void timeoutsAreTheDeadConnectionTimerAfterTheHold(Transport transport) {
        boolean isShort = transport == Transport.SHORT_POLLING;
        assertEquals(isShort ? 30_000 : 31_000, polling(transport, 0, 1, Duration.ofMillis(100), Duration.ofSeconds(1)).timeoutMillis(),
                "deadAfter by default: twice the 15 s heartbeat");
        assertEquals(isShort ? 4_000 : 34_000, polling(transport, 0, 1, Duration.ofSeconds(5), Duration.ofSeconds(30),
                Duration.ofSeconds(4)).timeoutMillis());
        // without a dead-connection timer: past the interval or the hold
        assertEquals(isShort ? 10_000 : 11_000, polling(transport, 0, 1, Duration.ofMillis(100), Duration.ofSeconds(1),
                Duration.ZERO).timeoutMillis());
        assertEquals(isShort ? 15_000 : 40_000, polling(transport, 0, 1, Duration.ofSeconds(5), Duration.ofSeconds(30),
                Duration.ZERO).timeoutMillis());
        assertEquals(isShort ? "/poll/" : "/long-poll/", polling(transport, 0, 1, Duration.ofMillis(100), Duration.ofSeconds(1)).pathPrefix());
    }

    @Test
    void onlyPollingTransportsPoll() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> polling(Transport.SSE, 0, 1, Duration.ofMillis(100), Duration.ofSeconds(1)));
        assertEquals("polling subscribers poll; transport sse does not", e.getMessage());
    }
}
