package dev.pushbench.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LongPollTest {
    private EventFeed feed;
    private PushContext context;

    private PushContext context(Duration hold) {
        feed = Fixtures.feed(2, 8);
        context = new PushContext(feed, Fixtures.config(256, Backpressure.DISCONNECT).withLongPollHold(hold));
        return context;
    }

    @AfterEach
    void close() {
        if (context != null) {
            context.close();
        }
    }

    /** Runs tasks only when the test takes them, so that the test sees which thread answers. */
    private static final class QueueExecutor implements Executor {
        final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        Runnable take() throws InterruptedException {
            Runnable task = tasks.poll(30, TimeUnit.SECONDS);
            assertNotNull(task, "a task for the executor");
            return task;
        }
    }

    private static String text(byte[] body) {
        return new String(body, StandardCharsets.US_ASCII);
    }

    @Test
    void answersAtOnceWhenEventsAreReady() {
        context(Duration.ofHours(1));
        Fixtures.publish(feed, 0, 3);
        List<String> answers = new CopyOnWriteArrayList<>();
        LongPoll.start(context, 0, 1, Fixtures.DIRECT, body -> answers.add(text(body)));
        assertEquals(1, answers.size());
        assertTrue(answers.get(0).startsWith("{\"topic\":\"t0\",\"cursor\":3,\"lost\":0,\"events\":[{\"topic\":\"t0\",\"seq\":2,"), answers.get(0));

        LongPoll.start(context, 0, Route.LIVE, Fixtures.DIRECT, body -> answers.add(text(body)));
        assertEquals("{\"topic\":\"t0\",\"cursor\":3,\"lost\":0,\"events\":[]}", answers.get(1), "a live start answers the cursor at once");
        assertEquals(2, context.counters().pollRequests.sum());
    }

    @Test
    void waitsThenAnswersOnPublishOnItsExecutor() throws Exception {
        context(Duration.ofHours(1));
        Fixtures.publish(feed, 0, 3);
        QueueExecutor executor = new QueueExecutor();
        List<String> answers = new CopyOnWriteArrayList<>();
        LongPoll.start(context, 0, 3, executor, body -> answers.add(text(body)));
        assertEquals(List.of(), answers);
        Fixtures.publish(feed, 1, 1);
        assertTrue(executor.tasks.isEmpty(), "another topic does not wake it");
        Fixtures.publish(feed, 0, 2);
        assertEquals(List.of(), answers, "the answer is given on the executor, not on the feed thread");
        executor.take().run();
        assertEquals(1, answers.size());
        assertTrue(answers.get(0).startsWith("{\"topic\":\"t0\",\"cursor\":5,\"lost\":0,\"events\":[{\"topic\":\"t0\",\"seq\":4,"), answers.get(0));
        assertTrue(answers.get(0).contains("\"seq\":5,"), answers.get(0));
        Fixtures.publish(feed, 0, 1);
        assertTrue(executor.tasks.isEmpty(), "answered polls are no longer waiting");
    }

    @Test
    void theHoldEndsInAnEmptyAnswerOnTheExecutor() throws Exception {
        context(Duration.ofMillis(20));
        Fixtures.publish(feed, 0, 3);
        QueueExecutor executor = new QueueExecutor();
        List<String> answers = new CopyOnWriteArrayList<>();
        LongPoll.start(context, 0, 3, executor, body -> answers.add(text(body)));
        Runnable timeout = executor.take(); // the hold ended on the timer; the answer goes through the executor
        assertEquals(List.of(), answers);
        timeout.run();
        assertEquals(List.of("{\"topic\":\"t0\",\"cursor\":3,\"lost\":0,\"events\":[]}"), answers);
        assertEquals(1, context.counters().emptyPollAnswers.sum());
        Fixtures.publish(feed, 0, 1);
        assertNull(executor.tasks.poll(), "the timed-out poll is no longer waiting");
        assertEquals(1, answers.size());
    }

    @Test
    void aCancelledPollIsNeverAnswered() throws Exception {
        context(Duration.ofMillis(20));
        QueueExecutor executor = new QueueExecutor();
        List<String> answers = new CopyOnWriteArrayList<>();
        LongPoll poll = LongPoll.start(context, 0, 0, executor, body -> answers.add(text(body)));
        poll.cancel();
        poll.cancel();
        Fixtures.publish(feed, 0, 1);
        flushTimer(Duration.ofMillis(20));
        Runnable task;
        while ((task = executor.tasks.poll()) != null) {
            task.run();
        }
        assertEquals(List.of(), answers);
        assertEquals(0, context.counters().pollRequests.sum());
    }

    @Test
    void exactlyOneAnswerWhenPublishAndTimeoutRace() throws Exception {
        context(Duration.ofMillis(1));
        int rounds = 300;
        for (int round = 0; round < rounds; round++) {
            long since = feed.ring(0).latestSeq();
            List<String> answers = new CopyOnWriteArrayList<>();
            CountDownLatch answered = new CountDownLatch(1);
            LongPoll.start(context, 0, since, Fixtures.DIRECT, body -> {
                answers.add(text(body));
                answered.countDown();
            });
            Fixtures.publish(feed, 0, 1); // the test thread is the feed's only publisher
            assertTrue(answered.await(30, TimeUnit.SECONDS));
            flushTimer(Duration.ofMillis(1)); // the hold's timer task has run or been cancelled
            assertEquals(1, answers.size(), "round " + round + ": " + answers);
            String answer = answers.get(0);
            assertTrue(answer.equals("{\"topic\":\"t0\",\"cursor\":" + since + ",\"lost\":0,\"events\":[]}")
                    || answer.startsWith("{\"topic\":\"t0\",\"cursor\":" + (since + 1) + ",\"lost\":0,\"events\":[{"), answer);
        }
        assertEquals(rounds, context.counters().pollRequests.sum());
    }

    /** Waits until a task scheduled on the context's single timer thread after {@code delay} has run. */
    private void flushTimer(Duration delay) throws Exception {
        context.timer().schedule(() -> { }, delay.toNanos(), TimeUnit.NANOSECONDS).get(30, TimeUnit.SECONDS);
    }
}
