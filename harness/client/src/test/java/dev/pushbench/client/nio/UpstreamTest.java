package dev.pushbench.client.nio;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.client.StreamEnd;
import dev.pushbench.client.sse.SseParser;
import dev.pushbench.core.Protocol;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client's upstream against a real Jetty server ({@link UpstreamTestServer}) over real sockets:
 * {@link PostStream} over HTTP/1.1 (bodies exact, answers in order, queued FIFO) and h2c (multiplexed,
 * bodies past the server's flow-control windows), POSTs beside an open SSE stream, a held long poll or
 * a WebSocket on one h2c connection ({@link NioConnection#sendAlongside}), a side stream's reset failing it alone,
 * {@link WebSocketStream#sendText} over HTTP/1.1 and h2c, exchanges in flight failing when the server
 * drops the connection, and a POST connection outliving the engine's idle timeout between posts.
 */
@Timeout(60)
class UpstreamTest {
    private static final long WAIT_SECONDS = 20;
    private UpstreamTestServer server;
    private final List<NioEngine> engines = new ArrayList<>();

    @BeforeEach
    void startServer() throws Exception {
        server = new UpstreamTestServer();
    }

    @AfterEach
    void stop() throws Exception {
        for (NioEngine engine : engines) {
            engine.close();
        }
        server.close();
    }

    private NioEngine engine(String protocol, Duration idleTimeout) throws IOException {
        boolean h2c = protocol.equals("h2c");
        InetSocketAddress address = h2c ? server.h2cAddress() : server.http1Address();
        NioEngine engine = new NioEngine(new NioEngineConfig(address, h2c ? Protocol.H2C : Protocol.HTTP_1_1, null,
                idleTimeout, 1, List.of()));
        engines.add(engine);
        return engine;
    }

    private NioEngine engine(String protocol) throws IOException {
        return engine(protocol, Duration.ofSeconds(30));
    }

    private int connectionsSeen(String protocol) {
        return (protocol.equals("h2c") ? server.h2cConnections : server.http1Connections).size();
    }

    /** A publish body as the contract has it, {@code dataBytes} letters of data. */
    private static byte[] publishBody(int from, long n, int dataBytes) {
        return ("{\"from\":" + from + ",\"n\":" + n + ",\"sent\":" + System.nanoTime() + ",\"data\":\""
                + Splits.letters(dataBytes) + "\"}").getBytes(UTF_8);
    }

    // ---- POST connections

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http1.1", "h2c"})
    void postsArriveExactAndAreAnsweredOnOneConnection(String protocol) throws Exception {
        NioEngine engine = engine(protocol);
        Poster poster = new Poster(engine);
        List<byte[]> bodies = new ArrayList<>();
        List<Answer> answers = new ArrayList<>();
        for (int n = 0; n < 6; n++) {
            // one body past every HTTP/2 window the server announces (16 KiB a stream, 64 KiB the connection)
            byte[] body = publishBody(3, n, n == 2 ? 200_000 : 20 + n);
            bodies.add(body);
            Answer answer = new Answer();
            answers.add(answer);
            poster.post(HttpRequest.post("/publish/t0", "application/json", body), answer); // the first opens it
        }
        List<Long> seqs = new ArrayList<>();
        for (Answer answer : answers) {
            String text = answer.done.get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertTrue(text.matches("200 \\{\"seq\":\\d+}"), text);
            seqs.add(Long.parseLong(text.replaceAll("\\D+", " ").trim().split(" ")[1]));
        }
        List<byte[]> seen = new ArrayList<>(server.bodies);
        assertEquals(bodies.size(), seen.size());
        if (protocol.equals("http1.1")) {
            // one in flight, the rest in order behind it: the server reads them in the order posted
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), seqs);
            for (int i = 0; i < bodies.size(); i++) {
                assertArrayEquals(bodies.get(i), seen.get(i), "body " + i);
            }
        } else {
            // multiplexed: the server reads them in any order
            Comparator<byte[]> byContent = (a, b) -> new String(a, UTF_8).compareTo(new String(b, UTF_8));
            List<byte[]> expected = new ArrayList<>(bodies);
            expected.sort(byContent);
            seen.sort(byContent);
            for (int i = 0; i < expected.size(); i++) {
                assertArrayEquals(expected.get(i), seen.get(i), "body " + i);
            }
            assertEquals(6, seqs.stream().distinct().count(), "one seq each: " + seqs);
        }
        assertEquals(0, poster.queued());
        assertEquals(1, connectionsSeen(protocol), "one TCP connection");
        assertEquals(1, engine.connectionsOpened());
        assertFalse(poster.end.isDone(), "the connection stays up");
        answers.forEach(a -> assertEquals(1, a.ends.get()));
        poster.close();
    }

    @Test
    void http1QueuesPostsFifoBehindTheOneInFlight() throws Exception {
        NioEngine engine = engine("http1.1");
        Poster poster = new Poster(engine);
        List<String> order = new CopyOnWriteArrayList<>();
        List<Answer> answers = new ArrayList<>();
        for (int n = 0; n < 4; n++) {
            int id = n;
            Answer answer = new Answer() {
                @Override
                public void onComplete() throws IOException {
                    order.add("done " + id + " with " + poster.queued() + " left");
                    super.onComplete();
                }
            };
            answers.add(answer);
            poster.post(HttpRequest.post("/publish/t" + n, "application/json", publishBody(1, n, 10)), answer);
        }
        assertTrue(poster.queued() > 0, "posts are counted at once");
        for (Answer answer : answers) {
            answer.done.get(WAIT_SECONDS, TimeUnit.SECONDS);
        }
        assertEquals(List.of("done 0 with 3 left", "done 1 with 2 left", "done 2 with 1 left", "done 3 with 0 left"), order);
        poster.close();
    }

    @Test
    void aPostConnectionOutlivesTheEnginesIdleTimeoutBetweenPosts() throws Exception {
        NioEngine engine = engine("http1.1", Duration.ofSeconds(1));
        Poster poster = new Poster(engine);
        Answer first = new Answer();
        poster.post(HttpRequest.post("/publish/t0", "application/json", publishBody(1, 0, 5)), first);
        first.done.get(WAIT_SECONDS, TimeUnit.SECONDS);
        TimeUnit.MILLISECONDS.sleep(2_500); // past the idle timeout, the sweep running every second
        assertFalse(poster.end.isDone(), () -> "ended while idle between posts: " + poster.end.join());
        Answer second = new Answer();
        poster.post(HttpRequest.post("/publish/t0", "application/json", publishBody(1, 1, 5)), second);
        assertEquals("200 {\"seq\":2}", second.done.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEquals(1, server.http1Connections.size());
        poster.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http1.1", "h2c"})
    void postsInFlightOrQueuedFailWhenTheServerDropsTheConnection(String protocol) throws Exception {
        NioEngine engine = engine(protocol);
        Poster poster = new Poster(engine);
        List<Answer> answers = new ArrayList<>();
        for (int n = 0; n < 3; n++) {
            Answer answer = new Answer();
            answers.add(answer);
            poster.post(HttpRequest.post("/publish/hang", "application/json", publishBody(1, n, 10)), answer);
        }
        int inFlight = protocol.equals("h2c") ? 3 : 1;
        await(() -> server.hung.get() == inFlight, inFlight + " posts held by the server");
        assertEquals(3, poster.queued());
        server.dropConnections();
        for (Answer answer : answers) {
            ExecutionException failed = assertThrows(ExecutionException.class, () -> answer.done.get(WAIT_SECONDS, TimeUnit.SECONDS));
            assertInstanceOf(IOException.class, failed.getCause());
        }
        Throwable cause = poster.end.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertInstanceOf(IOException.class, cause, "the end names the failure");
        assertEquals(0, poster.queued());
        answers.forEach(a -> assertEquals(1, a.ends.get(), "each exchange hears one end"));
        Answer late = new Answer();
        poster.post(HttpRequest.post("/publish/t0", "application/json", publishBody(1, 9, 10)), late);
        assertInstanceOf(IOException.class, assertThrows(ExecutionException.class,
                () -> late.done.get(WAIT_SECONDS, TimeUnit.SECONDS)).getCause());
    }

    @Test
    void closingAPostConnectionFailsWhatItHolds() throws Exception {
        NioEngine engine = engine("h2c");
        Poster poster = new Poster(engine);
        Answer held = new Answer();
        poster.post(HttpRequest.post("/publish/hang", "application/json", publishBody(1, 0, 10)), held);
        await(() -> server.hung.get() == 1, "the post held by the server");
        poster.close();
        assertInstanceOf(IOException.class, assertThrows(ExecutionException.class,
                () -> held.done.get(WAIT_SECONDS, TimeUnit.SECONDS)).getCause());
        TimeUnit.MILLISECONDS.sleep(100);
        assertFalse(poster.end.isDone(), "a close asked by the client is not reported");
    }

    // ---- beside a subscription on one HTTP/2 connection

    @Test
    void postsGoBesideAnOpenSseStreamOnOneConnection() throws Exception {
        NioEngine engine = engine("h2c");
        Sse sse = new Sse(engine);
        sse.open();
        await(() -> sse.events.get() >= 5, "five events");
        List<Answer> answers = new ArrayList<>();
        for (int n = 0; n < 5; n++) {
            Answer answer = new Answer();
            answers.add(answer);
            sse.sendAlongside(HttpRequest.post("/publish/t0", "application/json", publishBody(2, n, n == 0 ? 100_000 : 30)), answer);
        }
        for (Answer answer : answers) {
            assertTrue(answer.done.get(WAIT_SECONDS, TimeUnit.SECONDS).startsWith("200 {\"seq\":"));
            assertEquals("pushbench-nio-0", answer.thread);
        }
        long after = sse.events.get();
        await(() -> sse.events.get() >= after + 5, "events after the posts");
        assertFalse(sse.end.isDone(), "the SSE stream stays open");
        assertEquals(5, server.bodies.size());
        assertEquals(1, server.h2cConnections.size(), "one TCP connection");
        assertEquals(1, engine.connectionsOpened());
        sse.close();
    }

    @Test
    void aPostGoesBesideAHeldLongPollOnOneConnection() throws Exception {
        NioEngine engine = engine("h2c");
        Poller poller = new Poller(engine);
        poller.open();
        poller.poll("/poll");
        TimeUnit.MILLISECONDS.sleep(100);
        assertFalse(poller.answer.isDone(), "the poll is held until a post arrives");
        Answer answer = new Answer();
        poller.sendAlongside(HttpRequest.post("/publish/t0", "application/json", publishBody(5, 0, 10)), answer);
        assertEquals("200 {\"seq\":1}", answer.done.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEquals("{\"seen\":1}", poller.answer.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEquals(1, server.h2cConnections.size(), "one TCP connection");
        assertFalse(poller.end.isDone());
        poller.close();
    }

    @Test
    void aResetSideStreamFailsOnlyItsExchange() throws Exception {
        NioEngine engine = engine("h2c");
        Sse sse = new Sse(engine);
        sse.open();
        await(() -> sse.events.get() >= 2, "two events");
        Answer reset = new Answer();
        sse.sendAlongside(HttpRequest.post("/publish/reset", "application/json", publishBody(2, 0, 10)), reset);
        ExecutionException failed = assertThrows(ExecutionException.class, () -> reset.done.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertInstanceOf(StreamResetException.class, failed.getCause());
        assertTrue(failed.getCause().getMessage().contains("/publish/reset"), failed.getCause().getMessage());
        Answer next = new Answer();
        sse.sendAlongside(HttpRequest.post("/publish/t0", "application/json", publishBody(2, 1, 10)), next);
        assertEquals("200 {\"seq\":1}", next.done.get(WAIT_SECONDS, TimeUnit.SECONDS));
        long after = sse.events.get();
        await(() -> sse.events.get() >= after + 3, "events after the reset");
        assertFalse(sse.end.isDone(), "the SSE stream stays open");
        assertEquals(1, reset.ends.get());
        sse.close();
    }

    @Test
    void aSideExchangeFailsWithItsConnection() throws Exception {
        NioEngine engine = engine("h2c");
        Sse sse = new Sse(engine);
        sse.open();
        await(() -> sse.events.get() >= 2, "two events");
        Answer held = new Answer();
        sse.sendAlongside(HttpRequest.post("/publish/hang", "application/json", publishBody(2, 0, 10)), held);
        await(() -> server.hung.get() == 1, "the post held by the server");
        server.dropConnections();
        assertInstanceOf(IOException.class, assertThrows(ExecutionException.class,
                () -> held.done.get(WAIT_SECONDS, TimeUnit.SECONDS)).getCause());
        sse.end.get(WAIT_SECONDS, TimeUnit.SECONDS);
        Answer late = new Answer();
        sse.sendAlongside(HttpRequest.post("/publish/t0", "application/json", publishBody(2, 1, 10)), late);
        assertThrows(ExecutionException.class, () -> late.done.get(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void sendAlongsideNeedsHttp2AndAnOpenConnection() throws Exception {
        Sse http1 = new Sse(engine("http1.1"));
        http1.open();
        assertThrows(IllegalStateException.class, () -> http1.sendAlongside(
                HttpRequest.post("/publish/t0", "application/json", publishBody(1, 0, 1)), new Answer()));
        http1.close();
        Sse unopened = new Sse(engine("h2c"));
        Answer answer = new Answer();
        unopened.sendAlongside(HttpRequest.post("/publish/t0", "application/json", publishBody(1, 0, 1)), answer);
        assertThrows(ExecutionException.class, () -> answer.done.get(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    // ---- WebSocket text upstream

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http1.1", "h2c"})
    void webSocketTextGoesUpInOrder(String protocol) throws Exception {
        NioEngine engine = engine(protocol);
        Ws ws = new Ws(engine);
        assertFalse(ws.sendText(new byte[] {'x'}, 0, 1), "not open yet");
        ws.open();
        await(() -> ws.texts.contains("welcome"), "the welcome");
        List<String> sent = List.of("hello", Splits.letters(300), Splits.letters(70_000), "bye");
        CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
            for (String text : sent) {
                byte[] bytes = ("[" + text + "]").getBytes(UTF_8);
                assertTrue(ws.sendText(bytes, 1, bytes.length - 2));
            }
        });
        sender.get(WAIT_SECONDS, TimeUnit.SECONDS);
        await(() -> ws.texts.size() == 1 + sent.size(), "the echoes");
        for (int i = 0; i < sent.size(); i++) {
            assertEquals("echo: " + sent.get(i), ws.texts.get(1 + i));
        }
        if (protocol.equals("h2c")) {
            Answer answer = new Answer();
            ws.sendAlongside(HttpRequest.post("/publish/t0", "application/json", publishBody(4, 0, 10)), answer);
            assertEquals("200 {\"seq\":1}", answer.done.get(WAIT_SECONDS, TimeUnit.SECONDS));
            assertTrue(ws.sendText("after".getBytes(UTF_8), 0, 5));
            await(() -> ws.texts.contains("echo: after"), "the tunnel still open");
        }
        assertEquals(1, connectionsSeen(protocol));
        ws.close();
        await(ws::isClosed, "closed");
        assertFalse(ws.sendText(new byte[] {'x'}, 0, 1), "closed");
    }

    // ---- test doubles: real streams recording what they hear

    /** Records one exchange's answer ({@code "<status> <body>"}) or failure, and how many ends it heard. */
    static class Answer implements HttpCodec.Exchange {
        final CompletableFuture<String> done = new CompletableFuture<>();
        final AtomicInteger ends = new AtomicInteger();
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private int status;
        volatile String thread;

        @Override
        public void onHead(ResponseHead head) {
            status = head.status();
        }

        @Override
        public void onContent(byte[] bytes, int offset, int length) {
            body.write(bytes, offset, length);
        }

        @Override
        public void onComplete() throws IOException {
            ends.incrementAndGet();
            thread = Thread.currentThread().getName();
            done.complete(status + " " + body.toString(UTF_8));
        }

        @Override
        public void onFailed(Throwable cause) {
            ends.incrementAndGet();
            thread = Thread.currentThread().getName();
            done.completeExceptionally(cause);
        }
    }

    private static final class Poster extends PostStream {
        final CompletableFuture<Throwable> end = new CompletableFuture<>();

        Poster(NioEngine engine) {
            super(engine);
        }

        @Override
        protected void onEnd(StreamEnd how, Throwable cause) {
            end.complete(cause);
        }
    }

    private static final class Sse extends SseStream {
        final AtomicLong events = new AtomicLong();
        final CompletableFuture<Throwable> end = new CompletableFuture<>();

        Sse(NioEngine engine) {
            super(engine, "/sse", -1);
        }

        @Override
        public void onEvent(SseParser event) {
            events.incrementAndGet();
        }

        @Override
        protected void onEnd(StreamEnd how, Throwable cause) {
            end.complete(cause);
        }
    }

    private static final class Poller extends PollStream {
        final CompletableFuture<String> answer = new CompletableFuture<>();
        final CompletableFuture<Throwable> end = new CompletableFuture<>();

        Poller(NioEngine engine) {
            super(engine, Duration.ofSeconds(30));
        }

        @Override
        protected void onAnswer(byte[] body, int length) {
            answer.complete(new String(body, 0, length, UTF_8));
        }

        @Override
        protected void onEnd(StreamEnd how, Throwable cause) {
            end.complete(cause);
        }
    }

    private static final class Ws extends WebSocketStream {
        final List<String> texts = new CopyOnWriteArrayList<>();
        final CompletableFuture<Throwable> end = new CompletableFuture<>();

        Ws(NioEngine engine) {
            super(engine, "/ws");
        }

        @Override
        public void onText(byte[] bytes, int offset, int length) {
            texts.add(new String(bytes, offset, length, UTF_8));
        }

        @Override
        protected void onEnd(StreamEnd how, Throwable cause) {
            end.complete(cause);
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }
}
