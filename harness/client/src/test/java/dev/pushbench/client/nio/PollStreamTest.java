package dev.pushbench.client.nio;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link PollStream} over a real loopback socket against a one-connection blocking server: polls one
 * after another on one connection (asked before the connect, from the selector thread and from
 * another thread), answers framed either way, and each way a poll can end the connection.
 */
@Timeout(60)
class PollStreamTest {

    /** What the server does with its one connection. */
    @FunctionalInterface
    interface Script {
        void serve(InputStream in, OutputStream out) throws Exception;
    }

    /** A poller that records answers and its end; {@code next} says what to poll after each answer (null: nothing). */
    private static final class Recorder extends PollStream {
        final List<String> answers = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();
        final CompletableFuture<Throwable> end = new CompletableFuture<>();
        final List<String> next;
        long lastReceivedNanos;

        Recorder(NioEngine engine, Duration timeout, List<String> next) {
            super(engine, timeout);
            this.next = next;
        }

        @Override
        protected void onAnswer(byte[] body, int length) {
            answers.add(new String(body, 0, length, ISO_8859_1));
            threads.add(Thread.currentThread().getName());
            lastReceivedNanos = receivedNanos();
            if (answers.size() <= next.size() && next.get(answers.size() - 1) != null) {
                poll(next.get(answers.size() - 1));
            }
        }

        @Override
        protected void onEnd(dev.pushbench.client.StreamEnd how, Throwable cause) {
            end.complete(cause);
        }
    }

    private static void serve(Script script, Duration timeout, List<String> next, Check check) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
             NioEngine engine = new NioEngine(NioEngineConfig.http1(
                     new InetSocketAddress("127.0.0.1", listener.getLocalPort()), Duration.ofSeconds(60), 1))) {
            CompletableFuture<Void> served = new CompletableFuture<>();
            Thread server = new Thread(() -> {
                try (Socket s = listener.accept()) {
                    s.setTcpNoDelay(true);
                    script.serve(s.getInputStream(), s.getOutputStream());
                    served.complete(null);
                } catch (Exception e) {
                    served.completeExceptionally(e);
                }
            }, "poll-test-server");
            server.setDaemon(true);
            server.start();
            Recorder poller = new Recorder(engine, timeout, next);
            poller.open();
            poller.poll("/poll/t0"); // from this thread, before the connect completes
            check.check(poller, served);
            poller.close();
        }
    }

    @FunctionalInterface
    interface Check {
        void check(Recorder poller, CompletableFuture<Void> served) throws Exception;
    }

    @Test
    void pollsGoOneAfterAnotherOnOneConnectionFromAnyThread() throws Exception {
        List<String> requests = new CopyOnWriteArrayList<>();
        serve((in, out) -> {
            requests.add(head(in));
            answer(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
            requests.add(head(in));
            // chunked, cut inside the framing
            answer(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json;charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n[1,");
            TimeUnit.MILLISECONDS.sleep(20);
            answer(out, "\r\n2\r\n2]\r\n0\r\n\r\n");
            requests.add(head(in));
            answer(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4\r\n\r\ntrue");
            head(in); // held unanswered until the client closes
        }, Duration.ofSeconds(10), List.of("/poll/t0?since=1"), (poller, served) -> {
            await(() -> poller.answers.size() == 2, "two answers");
            long before = System.nanoTime();
            poller.poll("/poll/t0?since=2"); // from this thread, after an answer
            await(() -> poller.answers.size() == 3, "three answers");
            assertTrue(poller.lastReceivedNanos > before, "the receive time is when the answer was read");
            assertEquals(List.of("{}", "[1,2]", "true"), poller.answers);
            assertEquals(List.of("pushbench-nio-0", "pushbench-nio-0", "pushbench-nio-0"), poller.threads);
            await(() -> requests.size() == 3, "three requests");
            assertEquals(List.of("GET /poll/t0 HTTP/1.1", "GET /poll/t0?since=1 HTTP/1.1", "GET /poll/t0?since=2 HTTP/1.1"),
                    requests.stream().map(r -> r.substring(0, r.indexOf('\r'))).toList());
            assertTrue(requests.get(0).contains("\r\nAccept: application/json\r\n"), requests.get(0));
            assertEquals(false, poller.end.isDone(), "still open");
        });
    }

    @Test
    void anAnswerThatIsNotJsonIsAProtocolViolation() throws Exception {
        serve((in, out) -> {
            head(in);
            answer(out, "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n\r\nno topic.");
            in.readAllBytes();
        }, Duration.ofSeconds(10), List.of(), (poller, served) -> {
            Throwable cause = poller.end.get(20, TimeUnit.SECONDS);
            assertInstanceOf(ProtocolViolationException.class, cause);
            assertEquals("poll answer 404 text/plain", cause.getMessage());
            assertEquals(List.of(), poller.answers);
        });
    }

    @Test
    void aPollUnansweredPastItsTimeoutEndsTheConnection() throws Exception {
        serve((in, out) -> {
            head(in);
            in.readAllBytes();
        }, Duration.ofMillis(300), List.of(), (poller, served) -> {
            Throwable cause = poller.end.get(20, TimeUnit.SECONDS);
            assertInstanceOf(TimeoutException.class, cause);
            assertEquals("poll unanswered: nothing read for 300 ms", cause.getMessage());
        });
    }

    @Test
    void theServerClosingBetweenPollsEndsTheConnectionEarly() throws Exception {
        serve((in, out) -> {
            head(in);
            answer(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
        }, Duration.ofSeconds(10), List.of(), (poller, served) -> {
            Throwable cause = poller.end.get(20, TimeUnit.SECONDS);
            assertInstanceOf(EOFException.class, cause);
            assertEquals(List.of("{}"), poller.answers);
        });
    }

    @Test
    void anAnswerDelimitedByTheCloseIsDeliveredThenTheEndIsClean() throws Exception {
        serve((in, out) -> {
            head(in);
            answer(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"a\":");
            answer(out, "1}");
        }, Duration.ofSeconds(10), List.of(), (poller, served) -> {
            assertNull(poller.end.get(20, TimeUnit.SECONDS), "a clean end");
            assertEquals(List.of("{\"a\":1}"), poller.answers);
        });
    }

    @Test
    void anAnswerPastTheBufferLimitFailsAndSaysSo() throws Exception {
        long tooLong = PollStream.MAX_ANSWER_BYTES + 1L;
        serve((in, out) -> {
            head(in);
            answer(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + tooLong + "\r\n\r\n");
            byte[] spaces = new byte[1 << 20];
            java.util.Arrays.fill(spaces, (byte) ' ');
            try {
                for (long sent = 0; sent < tooLong; sent += spaces.length) {
                    out.write(spaces, 0, (int) Math.min(spaces.length, tooLong - sent));
                }
            } catch (IOException closedByTheClient) {
                // it gave up, as it should
            }
        }, Duration.ofSeconds(30), List.of(), (poller, served) -> {
            Throwable cause = poller.end.get(30, TimeUnit.SECONDS);
            assertInstanceOf(IOException.class, cause);
            assertEquals("poll answer longer than 67108864 bytes (the answer buffer's limit)", cause.getMessage());
        });
    }

    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the client closed inside a request head");
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(ISO_8859_1);
    }

    private static void answer(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(ISO_8859_1));
        out.flush();
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still not the case after 15 s: " + what);
            }
            TimeUnit.MILLISECONDS.sleep(2);
        }
    }
}
