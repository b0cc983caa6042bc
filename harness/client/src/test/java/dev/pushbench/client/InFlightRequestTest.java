package dev.pushbench.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A subscriber's stop aborts its request from another thread while a send may be under way. Jetty
 * 12.1.14 throws a NullPointerException from {@code Request.abort} when it overlaps {@code send}
 * building the exchange; {@link InFlightRequest} keeps the two apart. Both sides race on a real
 * client against a loopback port that accepts and never answers.
 */
class InFlightRequestTest {
    private static final int ROUNDS = 20_000;
    private static final int RAW_ROUNDS = 200_000;

    private ServerSocket silent;
    private HttpClient client;

    @BeforeEach
    void start() throws Exception {
        silent = new ServerSocket(0, 4096, InetAddress.getLoopbackAddress());
        client = new HttpClient();
        client.start();
    }

    @AfterEach
    void stop() throws Exception {
        client.stop();
        silent.close();
    }

    @Test
    void anAbortRacingASendNeitherThrowsNorLeavesTheRequestUnfinished() throws Exception {
        Outcome guarded = race(true, ROUNDS);
        assertEquals(0, guarded.thrown.get(), "exceptions out of send or abort: " + guarded.first.get());
        assertEquals(ROUNDS, guarded.finished.get(), "every request sent was completed (failed by the abort) or never sent");
    }

    @Test
    void jettyAloneThrowsWhenTheyOverlap() throws Exception {
        // The race this class exists for: if a Jetty upgrade fixes it, this fails and InFlightRequest can go
        Outcome raw = race(false, RAW_ROUNDS);
        System.out.println("raw send/abort: first exception after " + raw.rounds + " rounds: " + raw.first.get());
        assertTrue(raw.thrown.get() > 0, "no exception in " + RAW_ROUNDS + " raw send/abort races");
    }

    private static final class Outcome {
        final AtomicInteger thrown = new AtomicInteger();
        final AtomicInteger finished = new AtomicInteger();
        final AtomicReference<Throwable> first = new AtomicReference<>();
        int rounds;
    }

    /**
     * Rounds of one send on this thread against one abort on a spinning second thread, started
     * together through a volatile flag (no wake-up latency) and offset by a delay swept from 0 to a
     * few microseconds, so that the abort lands at every point of the send.
     */
    private Outcome race(boolean guarded, int rounds) throws Exception {
        Outcome outcome = new Outcome();
        String uri = "http://127.0.0.1:" + silent.getLocalPort() + "/poll/t0";
        AtomicReference<Runnable> next = new AtomicReference<>();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread aborter = new Thread(() -> {
            while (running.get()) {
                Runnable r = next.getAndSet(null);
                if (r != null) {
                    r.run();
                } else {
                    Thread.onSpinWait();
                }
            }
        });
        aborter.start();
        try {
            for (int i = 0; i < rounds; i++) {
                Request request = client.newRequest(uri).timeout(5, TimeUnit.SECONDS);
                InFlightRequest inFlight = new InFlightRequest();
                int delay = i % 64 * 8;
                CountDownLatch aborted = new CountDownLatch(1);
                AtomicBoolean go = new AtomicBoolean();
                next.set(() -> {
                    while (!go.get()) {
                        Thread.onSpinWait();
                    }
                    for (int spin = 0; spin < delay; spin++) {
                        Thread.onSpinWait();
                    }
                    try {
                        if (guarded) {
                            inFlight.abort(new CancellationException("stop"));
                        } else {
                            request.abort(new CancellationException("stop"));
                        }
                    } catch (Throwable e) {
                        outcome.thrown.incrementAndGet();
                        outcome.first.compareAndSet(null, e);
                    } finally {
                        aborted.countDown();
                    }
                });
                while (next.get() != null) {
                    Thread.onSpinWait();
                }
                go.set(true);
                try {
                    boolean sent = guarded ? inFlight.send(request, r -> outcome.finished.incrementAndGet())
                            : sendRaw(request, outcome);
                    if (!sent) {
                        outcome.finished.incrementAndGet();
                    }
                } catch (Throwable e) {
                    outcome.thrown.incrementAndGet();
                    outcome.first.compareAndSet(null, e);
                }
                aborted.await();
                outcome.rounds++;
                if (!guarded && outcome.thrown.get() > 0) {
                    break;
                }
            }
        } finally {
            running.set(false);
            aborter.join();
        }
        if (guarded) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (outcome.finished.get() < rounds && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
        return outcome;
    }

    private static boolean sendRaw(Request request, Outcome outcome) {
        request.send(r -> outcome.finished.incrementAndGet());
        return true;
    }
}
