package dev.pushbench.client.nio;

import static dev.pushbench.client.nio.Splits.cat;
import static dev.pushbench.client.nio.Splits.letters;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.core.Protocol;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Http1Codec} as a table of conversations: the requests a stream sends (the next one as soon as
 * the previous exchange completed, as polling does) and the server's bytes, fed whole, split in two at
 * every byte position and one byte at a time; what the exchanges heard must not depend on the cut.
 * Then the request bytes on a real socket, and the refusals.
 */
@Timeout(60)
class Http1CodecTest {
    private static NioEngine engine;

    @BeforeAll
    static void engine() throws IOException {
        engine = new NioEngine(NioEngineConfig.http1(new InetSocketAddress("127.0.0.1", 9), Duration.ofSeconds(60), 1));
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    /**
     * @param requests  sent one after another: a plain GET, "HEAD", or "ws" for a WebSocket opening
     * @param stream    what the server sends
     * @param heard     what the exchanges heard, in order ("head 200 application/json", "body …", "complete",
     *                  "tunnel …", "eof clean"/"eof early", "error …")
     */
    record Case(String name, List<String> requests, byte[] stream, List<String> heard) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        String json = "{\"topic\":\"t0\",\"cursor\":3,\"lost\":0,\"events\":[]}";
        String big = letters(40_000);
        return Stream.of(
                c("keep-alive: Content-Length, chunked, 204, Content-Length again", List.of("GET", "GET", "GET", "GET"),
                        cat(ok("application/json", json),
                                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                                        + "5\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n",
                                "HTTP/1.1 204 No Content\r\n\r\n",
                                ok("text/plain", "last")),
                        List.of("head 200 application/json", "body " + json, "complete",
                                "head 200 application/json", "body hello world", "complete",
                                "head 204 null", "complete",
                                "head 200 text/plain", "body last", "complete", "eof early")),
                c("an interim 100 is skipped; an empty body completes with its head", List.of("GET", "GET"),
                        cat("HTTP/1.1 100 Continue\r\n\r\n", ok("application/json", ""), ok("application/json", "{}")),
                        List.of("head 200 application/json", "complete", "head 200 application/json", "body {}", "complete",
                                "eof early")),
                c("HEAD has no body whatever its Content-Length", List.of("HEAD", "GET"),
                        cat("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 99\r\n\r\n", ok("a/b", "x")),
                        List.of("head 200 application/json", "complete", "head 200 a/b", "body x", "complete", "eof early")),
                c("a body of 40,000 bytes, then a small one", List.of("GET", "GET"),
                        cat(ok("application/json", big), ok("application/json", "{}")),
                        List.of("head 200 application/json", "body " + big, "complete", "head 200 application/json", "body {}",
                                "complete", "eof early")),
                c("a body until the close ends cleanly at the close", List.of("GET"),
                        cat("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n", json),
                        List.of("head 200 application/json", "body " + json, "complete", "eof clean")),
                c("a Content-Length body cut short by the close", List.of("GET"),
                        cat("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", "12345"),
                        List.of("head 200 null", "body 12345", "eof early")),
                c("the close inside the head", List.of("GET"), cat("HTTP/1.1 200 OK\r\nContent-Le"), List.of("eof early")),
                c("101 opens a tunnel: every later byte is the tunnel's", List.of("ws"),
                        cat("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
                                new byte[] {(byte) 0x81, 3, 'a', 'b', 'c'}, "HTTP/1.1 200 OK\r\n\r\n"),
                        List.of("head 101 null", "tunnel \u0081\u0003abcHTTP/1.1 200 OK\r\n\r\n", "eof early")),
                c("a refused upgrade is an ordinary answer", List.of("ws"),
                        cat("HTTP/1.1 400 Bad Request\r\nContent-Length: 3\r\n\r\nno!"),
                        List.of("head 400 null", "body no!", "complete", "eof early")),
                c("an SSE stream: chunked, never ending", List.of("GET"),
                        cat("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n",
                                "7\r\ndata: a\r\n3\r\n\n\n\n\r\n"),
                        List.of("head 200 text/event-stream", "body data: a\n\n\n", "eof early")),
                // refusals
                c("bytes after the last answer answer no request", List.of("GET"), cat(ok("a/b", "x"), "HTTP/1.1 200"),
                        List.of("head 200 a/b", "body x", "complete", "error the server sent bytes that answer no request")),
                c("101 to a request that asked for no upgrade", List.of("GET"),
                        cat("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n"),
                        List.of("error 101 Switching Protocols to a request that asked for no upgrade")),
                c("a broken chunk", List.of("GET"), cat("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
                        List.of("head 200 null", "error chunk size expected, got 'z'")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void whole(Case c) throws IOException {
        Conversation talk = new Conversation(c.requests());
        talk.feed(c.stream(), 0, c.stream().length);
        assertEquals(c.heard(), talk.end());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void splitInTwoAtEveryBytePosition(Case c) throws IOException {
        byte[] stream = c.stream();
        for (int split : Splits.positions(stream.length)) {
            Conversation talk = new Conversation(c.requests());
            talk.feed(stream, 0, split);
            talk.feed(stream, split, stream.length - split);
            assertEquals(c.heard(), talk.end(), () -> "split at byte " + split);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void oneByteAtATime(Case c) throws IOException {
        Conversation talk = new Conversation(c.requests());
        for (int i = 0; i < c.stream().length; i++) {
            talk.feed(c.stream(), i, 1);
        }
        assertEquals(c.heard(), talk.end());
    }

    @Test
    void oneExchangeAtATimeAndNoRequestIntoATunnel() throws IOException {
        Http1Codec codec = new Http1Codec(new Unopened(), "h:1");
        Conversation ignored = new Conversation(List.of());
        codec.send(HttpRequest.get("/a"), ignored);
        IllegalStateException busy = assertThrows(IllegalStateException.class, () -> codec.send(HttpRequest.get("/b"), ignored));
        assertTrue(busy.getMessage().contains("one exchange at a time"), busy.getMessage());
        assertThrows(IllegalStateException.class, () -> codec.writeTunnel(new byte[1], 0, 1), "no tunnel before a 101");
        assertThrows(IllegalArgumentException.class, () -> new Http1Codec(new Unopened(), "h:1")
                .send(HttpRequest.get("/a\r\nX: injected"), ignored), "a target that would break the request's lines");
    }

    /** The request bytes as the server reads them: the Jetty engine's requests, less what it adds by itself. */
    @Test
    void requestsOnTheWireAreWhatTheJettyEngineSends() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
             NioEngine wire = new NioEngine(NioEngineConfig.http1(
                     new InetSocketAddress("127.0.0.1", listener.getLocalPort()), Duration.ofSeconds(60), 1))) {
            String host = "127.0.0.1:" + listener.getLocalPort();
            List<HttpRequest> requests = List.of(SseStream.request("/sse/t0", -1), SseStream.request("/sse/t3", 41),
                    HttpRequest.webSocket("/ws/t0?since=7", "k"), HttpRequest.get("/poll/t0?since=3", "Accept", "application/json"));
            CompletableFuture<String> seen = new CompletableFuture<>();
            Thread server = new Thread(() -> {
                try (Socket s = listener.accept()) {
                    seen.complete(readHeads(s.getInputStream(), requests.size()));
                } catch (IOException e) {
                    seen.completeExceptionally(e);
                }
            });
            server.start();
            NioConnection connection = new NioConnection(wire) {
                @Override
                protected void onConnected() throws IOException {
                    Conversation unanswered = new Conversation(List.of());
                    for (HttpRequest r : requests) {
                        // no answers come: a codec per request lets them all go out on this one connection
                        HttpCodec codec = engine().newCodec(this);
                        codec.start();
                        codec.send(r, unanswered);
                    }
                }

                @Override
                protected void onRead(byte[] bytes, int offset, int length) {
                }

                @Override
                protected void onEnd(dev.pushbench.client.StreamEnd end, Throwable cause) {
                }
            };
            connection.open();
            assertEquals("GET /sse/t0 HTTP/1.1\r\nHost: " + host + "\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n"
                            + "GET /sse/t3 HTTP/1.1\r\nHost: " + host + "\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n"
                            + "Last-Event-ID: 41\r\n\r\n"
                            + "GET /ws/t0?since=7 HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            + "Sec-WebSocket-Key: k\r\nSec-WebSocket-Version: 13\r\n\r\n"
                            + "GET /poll/t0?since=3 HTTP/1.1\r\nHost: " + host + "\r\nAccept: application/json\r\n\r\n",
                    seen.get(20, TimeUnit.SECONDS));
            connection.close();
            server.join(5000);
        }
    }

    @Test
    void anHttp11EngineFramesItsConnectionsWithThisCodec() {
        assertTrue(engine.newCodec(new Unopened()) instanceof Http1Codec);
    }

    private static String readHeads(InputStream in, int count) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        int heads = 0;
        int matched = 0;
        while (heads < count) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            all.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                heads++;
                matched = 0;
            }
        }
        return all.toString(ISO_8859_1);
    }

    /** A connection that is never opened: the codec's writes go nowhere, its reads are fed by the test. */
    private static final class Unopened extends NioConnection {
        Unopened() {
            super(engine);
        }

        @Override
        protected void onConnected() {
        }

        @Override
        protected void onRead(byte[] bytes, int offset, int length) {
        }

        @Override
        protected void onEnd(dev.pushbench.client.StreamEnd end, Throwable cause) {
        }
    }

    /** Sends the next request as each exchange completes, and writes down what it heard. */
    private static final class Conversation implements HttpCodec.Exchange {
        private final Http1Codec codec = new Http1Codec(new Unopened(), "h:1");
        private final List<String> requests;
        private final List<String> heard = new ArrayList<>();
        private final StringBuilder body = new StringBuilder();
        private int sent;
        private boolean tunnel;
        private boolean failed;

        Conversation(List<String> requests) throws IOException {
            this.requests = requests;
            sendNext();
        }

        private void sendNext() throws IOException {
            if (sent < requests.size()) {
                String r = requests.get(sent++);
                codec.send(r.equals("ws") ? HttpRequest.webSocket("/ws/t0", "k")
                        : new HttpRequest(r, "/poll/t0", null, false, null), this);
            }
        }

        void feed(byte[] bytes, int offset, int length) {
            if (failed) {
                return;
            }
            try {
                codec.onRead(bytes, offset, length);
            } catch (ProtocolViolationException e) {
                flushBody();
                heard.add("error " + e.getMessage());
                failed = true;
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        List<String> end() throws IOException {
            if (!failed) {
                boolean clean = codec.onEndOfStream();
                flushBody();
                heard.add(clean ? "eof clean" : "eof early");
            }
            return heard;
        }

        @Override
        public void onHead(ResponseHead head) {
            assertFalse(failed);
            heard.add("head " + head.status() + " " + head.header("Content-Type"));
            tunnel = head.status() == 101;
        }

        @Override
        public void onContent(byte[] bytes, int offset, int length) {
            body.append(new String(bytes, offset, length, ISO_8859_1));
        }

        @Override
        public void onComplete() throws IOException {
            flushBody();
            heard.add("complete");
            sendNext();
        }

        private void flushBody() {
            if (body.length() > 0) {
                heard.add((tunnel ? "tunnel " : "body ") + body);
                body.setLength(0);
            }
        }
    }

    private static String ok(String type, String body) {
        return "HTTP/1.1 200 OK\r\nContent-Type: " + type + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }

    private static Case c(String name, List<String> requests, byte[] stream, List<String> heard) {
        return new Case(name, requests, stream, heard);
    }
}
