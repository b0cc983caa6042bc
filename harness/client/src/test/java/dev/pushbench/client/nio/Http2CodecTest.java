package dev.pushbench.client.nio;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.core.Protocol;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.frames.Frame;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.frames.SettingsFrame;
import org.eclipse.jetty.http2.frames.WindowUpdateFrame;
import org.eclipse.jetty.http2.generator.Generator;
import org.eclipse.jetty.http2.parser.Parser;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Http2Codec} against a real Jetty 12 h2c server ({@link H2TestServer}): an endless SSE-like
 * stream past every flow-control window, sequential JSON exchanges on one connection, WebSocket over
 * HTTP/2 (RFC 8441) both ways; the ends a server can cause (RST_STREAM, GOAWAY, no extended
 * CONNECT) against a scripted server; and a canned server transcript (SETTINGS, PING, a header block
 * in CONTINUATION frames, padded DATA) fed split at every byte position.
 */
@Timeout(120)
class Http2CodecTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static H2TestServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = new H2TestServer(true);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    private static NioEngine engine(InetSocketAddress address) throws IOException {
        return new NioEngine(new NioEngineConfig(address, Protocol.H2C, null, Duration.ofSeconds(30), 1, List.of()));
    }

    // ---- a real Jetty server

    /**
     * Events in order past the windows: with the default 16 MiB windows more than 16 MiB + 64 KiB
     * is read (nothing would arrive past it without the client's WINDOW_UPDATE); with 4 KiB windows
     * a WINDOW_UPDATE is due every few events.
     */
    @ParameterizedTest(name = "receive window {0} bytes (0: default)")
    @ValueSource(ints = {0, 4096})
    void sseEventsArriveInOrderPastEveryWindow(int receiveWindowBytes) throws Exception {
        int padBytes = 1000;
        long targetBytes = receiveWindowBytes == 0 ? Http2Codec.DEFAULT_WINDOW_BYTES + 64 * 1024 + 1024 * 1024 : 1024 * 1024;
        CompletableFuture<Long> reached = new CompletableFuture<>();
        try (NioEngine engine = engine(server.address())) {
            H2TestConnection client = new H2TestConnection(engine, receiveWindowBytes) {
                final SseChecker events = new SseChecker(padBytes);
                long bytes;

                @Override
                void onStarted() throws IOException {
                    codec.send(HttpRequest.get("/sse?padBytes=" + padBytes, "Accept", "text/event-stream"), this);
                }

                @Override
                public void onHead(ResponseHead head) {
                    assertEquals(200, head.status());
                    assertEquals("text/event-stream", head.header("Content-Type"));
                }

                @Override
                public void onContent(byte[] b, int offset, int length) throws IOException {
                    events.feed(b, offset, length);
                    bytes += length;
                    if (bytes >= targetBytes) {
                        reached.complete(events.nextId - 1);
                    }
                }

                @Override
                public void onComplete() {
                    reached.completeExceptionally(new AssertionError("the endless stream ended"));
                }
            };
            client.ended.thenAccept(cause -> reached.completeExceptionally(new AssertionError("connection ended", cause)));
            client.open();
            long events = reached.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertTrue(events >= targetBytes / (padBytes + 20), "events read in order: " + events);
            client.close();
            assertEquals(1, engine.connectionsOpened());
        }
    }

    @Test
    void sequentialExchangesShareOneConnection() throws Exception {
        int exchanges = 5;
        List<String> bodies = new ArrayList<>();
        List<String> contentTypes = new ArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        try (NioEngine engine = engine(server.address())) {
            H2TestConnection client = new H2TestConnection(engine, 0) {
                final ByteArrayOutputStream body = new ByteArrayOutputStream();
                int sent;

                @Override
                void onStarted() throws IOException {
                    next();
                }

                private void next() throws IOException {
                    sent++;
                    codec.send(HttpRequest.get("/json?n=" + sent, "Accept", "application/json", "X-Echo", "hi " + sent), this);
                }

                @Override
                public void onHead(ResponseHead head) {
                    assertEquals(200, head.status());
                    contentTypes.add(head.header("content-type"));
                }

                @Override
                public void onContent(byte[] b, int offset, int length) {
                    body.write(b, offset, length);
                }

                @Override
                public void onComplete() throws IOException {
                    bodies.add(body.toString(UTF_8));
                    body.reset();
                    if (sent < exchanges) {
                        next();
                    } else {
                        done.complete(null);
                    }
                }
            };
            client.ended.thenAccept(cause -> done.completeExceptionally(new AssertionError("connection ended", cause)));
            client.open();
            done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            List<String> expected = new ArrayList<>();
            for (int n = 1; n <= exchanges; n++) {
                expected.add("{\"n\":" + n + ",\"echo\":\"hi " + n + "\",\"uri\":\"http://127.0.0.1:"
                        + server.address().getPort() + "/json?n=" + n + "\"}");
            }
            assertEquals(expected, bodies);
            assertEquals(List.of("application/json", "application/json", "application/json", "application/json",
                    "application/json"), contentTypes);
            assertEquals(1, engine.connectionsOpened(), "every exchange on one connection");
            client.close();
        }
    }

    @Test
    void webSocketOverHttp2FlowsBothWays() throws Exception {
        int messages = 20;
        List<String> received = new ArrayList<>();
        CompletableFuture<Integer> opened = new CompletableFuture<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        try (NioEngine engine = engine(server.address())) {
            H2TestConnection client = new H2TestConnection(engine, 0) {
                final WebSocketFrameParser frames = new WebSocketFrameParser(new WebSocketFrameParser.Listener() {
                    int sent;

                    @Override
                    public void onText(byte[] b, int offset, int length) throws IOException {
                        received.add(new String(b, offset, length, UTF_8));
                        if (sent < messages) {
                            sent++;
                            byte[] frame = maskedText("message " + sent);
                            codec.writeTunnel(frame, 0, frame.length);
                        } else {
                            done.complete(null);
                        }
                    }

                    @Override
                    public void onPing(byte[] b, int offset, int length) {
                    }

                    @Override
                    public void onClose(int statusCode, String reason) {
                        done.completeExceptionally(new AssertionError("closed " + statusCode + " " + reason));
                    }
                }, 1 << 20);

                @Override
                void onStarted() throws IOException {
                    codec.send(HttpRequest.webSocket("/ws?since=41", "dGhlIHNhbXBsZSBub25jZQ=="), this);
                }

                @Override
                public void onHead(ResponseHead head) {
                    opened.complete(head.status());
                }

                @Override
                public void onContent(byte[] b, int offset, int length) throws IOException {
                    frames.feed(b, offset, length);
                }
            };
            client.ended.thenAccept(cause -> done.completeExceptionally(new AssertionError("connection ended", cause)));
            client.open();
            assertEquals(200, opened.get(WAIT.toSeconds(), TimeUnit.SECONDS), "extended CONNECT answered");
            done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            List<String> expected = new ArrayList<>(List.of("welcome"));
            for (int n = 1; n <= messages; n++) {
                expected.add("echo: message " + n);
            }
            assertEquals(expected, received);
            client.close();
        }
    }

    @Test
    void aStreamJettyResetsFailsNamingTheErrorCode() throws Exception {
        Throwable cause = endOf(server.address(), HttpRequest.get("/reset"));
        assertInstanceOf(IOException.class, cause);
        assertTrue(cause.getMessage().startsWith("the server reset stream 1 (GET /reset) with "), cause.getMessage());
    }

    @Test
    void withoutExtendedConnectAWebSocketIsRefusedNamingRfc8441() throws Exception {
        try (H2TestServer plain = new H2TestServer(false)) {
            Throwable cause = endOf(plain.address(), HttpRequest.webSocket("/ws", "dGhlIHNhbXBsZSBub25jZQ=="));
            assertInstanceOf(IOException.class, cause);
            assertEquals("the server did not advertise SETTINGS_ENABLE_CONNECT_PROTOCOL = 1: it takes no WebSocket over"
                    + " HTTP/2 (RFC 8441 extended CONNECT) for /ws", cause.getMessage());
        }
    }

    // ---- a scripted server: exact frames

    @Test
    void rstStreamFailsNamingTheErrorCode() throws Exception {
        try (ScriptedH2Server scripted = new ScriptedH2Server(frame(0x3, 0, 1, 0, 0, 0, 0x8))) {
            Throwable cause = endOf(scripted.address(), HttpRequest.get("/sse/t0"));
            assertInstanceOf(IOException.class, cause);
            assertEquals("the server reset stream 1 (GET /sse/t0) with CANCEL_STREAM_ERROR (0x8)", cause.getMessage());
            assertEquals(dev.pushbench.client.StreamEnd.RESET, dev.pushbench.client.StreamEnd.of(cause), "an RST_STREAM is a reset");
        }
    }

    @Test
    void goAwayDuringAnExchangeFailsNamingErrorAndDebugText() throws Exception {
        byte[] goAway = frame(0x7, 0, 0, Splits.cat(new byte[] {0, 0, 0, 0, 0, 0, 0, 0xB}, "calm down"));
        try (ScriptedH2Server scripted = new ScriptedH2Server(goAway)) {
            Throwable cause = endOf(scripted.address(), HttpRequest.get("/sse/t0"));
            assertInstanceOf(IOException.class, cause);
            assertEquals("the server sent GOAWAY (ENHANCE_YOUR_CALM_ERROR (0xb), last stream 0, \"calm down\") while"
                    + " stream 1 (GET /sse/t0) was in progress", cause.getMessage());
            assertEquals(dev.pushbench.client.StreamEnd.RESET, dev.pushbench.client.StreamEnd.of(cause), "a GOAWAY cutting the exchange is a reset");
        }
    }

    /** A graceful GOAWAY covering the exchange in progress lets it finish; the next request is refused. */
    @Test
    void gracefulGoAwayLetsTheExchangeFinishAndRefusesTheNext() throws Exception {
        byte[] answer = Splits.cat(
                frame(0x7, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0), // GOAWAY: last stream 1, NO_ERROR
                responseHeaders(1, HttpFields.build().add("content-type", "application/json"), 4096),
                frame(0x0, 0x1, 1, "{}".getBytes(US_ASCII)));
        StringBuilder seen = new StringBuilder();
        try (ScriptedH2Server scripted = new ScriptedH2Server(answer);
             NioEngine engine = engine(scripted.address())) {
            H2TestConnection client = new H2TestConnection(engine, 0) {
                @Override
                void onStarted() throws IOException {
                    codec.send(HttpRequest.get("/poll"), this);
                }

                @Override
                public void onHead(ResponseHead head) {
                    seen.append(head.status()).append(' ');
                }

                @Override
                public void onContent(byte[] bytes, int offset, int length) {
                    seen.append(new String(bytes, offset, length, US_ASCII));
                }

                @Override
                public void onComplete() throws IOException {
                    seen.append(" complete");
                    codec.send(HttpRequest.get("/poll"), this);
                }
            };
            client.open();
            Throwable cause = client.ended.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals("200 {} complete", seen.toString());
            assertInstanceOf(IOException.class, cause);
            assertEquals("the server sent GOAWAY (NO_ERROR (0x0), last stream 1): no new request on this connection",
                    cause.getMessage());
        }
    }

    /**
     * What the client says (its SETTINGS, the connection's WINDOW_UPDATE, an RFC 8441 extended
     * CONNECT, decoded by Jetty's parser), and tunnel bytes held back by the server's 10-byte stream
     * window until its WINDOW_UPDATE: DATA of 10 bytes, then of the other 15.
     */
    @Test
    void extendedConnectAndTunnelBytesWithinTheServersWindow() throws Exception {
        byte[] settings = frame(0x4, 0, 0, 0, 0x4, 0, 0, 0, 10, 0, 0x8, 0, 0, 0, 1); // INITIAL_WINDOW_SIZE 10, ENABLE_CONNECT_PROTOCOL 1
        byte[] tunnel = "abcdefghijklmnopqrstuvwxy".getBytes(US_ASCII);
        try (ScriptedH2Server scripted = new ScriptedH2Server(settings, responseHeaders(1, HttpFields.build(), 4096));
             NioEngine engine = engine(scripted.address())) {
            H2TestConnection client = new H2TestConnection(engine, 0) {
                @Override
                void onStarted() throws IOException {
                    codec.send(HttpRequest.webSocket("/ws/t0?since=41", "dGhlIHNhbXBsZSBub25jZQ=="), this);
                }

                @Override
                public void onHead(ResponseHead head) throws IOException {
                    assertEquals(200, head.status());
                    codec.writeTunnel(tunnel, 0, tunnel.length);
                }
            };
            client.open();

            List<Frame> said = new ArrayList<>();
            Parser parser = new Parser(new ByteBufferPool.NonPooling(), 8192);
            parser.init(new Parser.Listener() {
                @Override
                public void onSettings(SettingsFrame frame) {
                    said.add(frame);
                }

                @Override
                public void onWindowUpdate(WindowUpdateFrame frame) {
                    said.add(frame);
                }

                @Override
                public void onHeaders(HeadersFrame frame) {
                    said.add(frame);
                }
            });
            for (int type : new int[] {0x4, 0x8, 0x1}) {
                parser.parse(ByteBuffer.wrap(scripted.nextClientFrame(type)));
            }
            SettingsFrame clientSettings = (SettingsFrame) said.get(0);
            assertEquals(0, clientSettings.getSettings().get(SettingsFrame.ENABLE_PUSH));
            assertEquals(Http2Codec.DEFAULT_WINDOW_BYTES, clientSettings.getSettings().get(SettingsFrame.INITIAL_WINDOW_SIZE));
            WindowUpdateFrame connectionWindow = (WindowUpdateFrame) said.get(1);
            assertEquals(0, connectionWindow.getStreamId());
            assertEquals(Http2Codec.DEFAULT_WINDOW_BYTES - 65_535, connectionWindow.getWindowDelta());
            HeadersFrame connect = (HeadersFrame) said.get(2);
            assertEquals(1, connect.getStreamId());
            assertEquals(false, connect.isEndStream(), "a tunnel's HEADERS leave the stream open");
            MetaData.Request request = (MetaData.Request) connect.getMetaData();
            assertEquals("CONNECT", request.getMethod());
            assertEquals("websocket", request.getProtocol());
            assertEquals("http://" + scripted.address().getHostString() + ":" + scripted.address().getPort()
                    + "/ws/t0?since=41", request.getHttpURI().toString());
            assertEquals("13", request.getHttpFields().get("sec-websocket-version"));

            assertEquals("abcdefghij", dataOf(scripted.nextClientFrame(0x0)), "as much as the stream window allows");
            scripted.write(frame(0x8, 0, 1, 0, 0, 0, 100)); // WINDOW_UPDATE stream 1: +100
            assertEquals("klmnopqrstuvwxy", dataOf(scripted.nextClientFrame(0x0)), "the rest once the window grew");
            client.close();
        }
    }

    private static String dataOf(byte[] frame) {
        assertEquals(1, ByteBuffer.wrap(frame, 5, 4).getInt(), "DATA on stream 1");
        return new String(frame, 9, frame.length - 9, US_ASCII);
    }

    @Test
    void aServerThatIsNotHttp2IsNamed() throws Exception {
        byte[] http1 = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(US_ASCII);
        try (ScriptedH2Server scripted = new ScriptedH2Server(http1, null)) {
            Throwable cause = endOf(scripted.address(), HttpRequest.get("/sse/t0"));
            assertInstanceOf(ProtocolViolationException.class, cause);
            assertTrue(cause.getMessage().startsWith("the server's connection preface must start with SETTINGS"), cause.getMessage());
        }
    }

    /** Opens a connection sending {@code request} and returns what ended it (it must end). */
    private static Throwable endOf(InetSocketAddress address, HttpRequest request) throws Exception {
        try (NioEngine engine = engine(address)) {
            H2TestConnection client = new H2TestConnection(engine, 0) {
                @Override
                void onStarted() throws IOException {
                    codec.send(request, this);
                }

                @Override
                public void onHead(ResponseHead head) {
                }
            };
            client.open();
            Throwable cause = client.ended.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(cause, "the connection ended cleanly");
            return cause;
        }
    }

    // ---- a canned transcript, split everywhere

    @Test
    void aServerTranscriptReadsTheSameSplitAnywhere() throws Exception {
        byte[] stream = cannedResponse();
        String expected = "head 200 text/event-stream x-long=" + "v".repeat(40) + "\n"
                + "id: 1\ndata: padded\n\nid: 2\ndata: plain\n\n" + "|complete";
        try (NioEngine engine = engine(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9))) {
            assertEquals(expected, transcript(engine, stream, new int[0]), "whole");
            for (int at : Splits.positions(stream.length)) {
                assertEquals(expected, transcript(engine, stream, new int[] {at}), "split at " + at);
            }
            int[] everyByte = new int[stream.length - 1];
            for (int i = 0; i < everyByte.length; i++) {
                everyByte[i] = i + 1;
            }
            assertEquals(expected, transcript(engine, stream, everyByte), "one byte at a time");
        }
    }

    /** The exchange's own exception comes out of the codec as it was thrown, not as a parse error of Jetty's parser. */
    @Test
    void anExchangesExceptionInItsHeadPassesThroughUnchanged() throws Exception {
        byte[] stream = cannedResponse();
        ProtocolViolationException refused = new ProtocolViolationException("an SSE answer must be text/event-stream");
        try (NioEngine engine = engine(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9))) {
            H2TestConnection connection = new H2TestConnection(engine, 0) {
                @Override
                void onStarted() {
                }

                @Override
                public void onHead(ResponseHead head) throws IOException {
                    throw refused;
                }
            };
            Http2Codec codec = new Http2Codec(connection);
            codec.start();
            codec.send(HttpRequest.get("/sse/t0"), connection);
            IOException thrown = assertThrows(IOException.class,
                    () -> codec.onRead(stream, 0, stream.length));
            assertEquals(refused, thrown);
        }
    }

    /** Feeds {@code stream} cut at {@code cuts} to a fresh codec with a GET sent, and says what the exchange heard. */
    private static String transcript(NioEngine engine, byte[] stream, int[] cuts) throws IOException {
        StringBuilder seen = new StringBuilder();
        H2TestConnection connection = new H2TestConnection(engine, 0) {
            @Override
            void onStarted() {
            }

            @Override
            public void onHead(ResponseHead head) {
                seen.append("head ").append(head.status()).append(' ').append(head.header("Content-Type"))
                        .append(" x-long=").append(head.header("X-Long")).append('\n');
            }

            @Override
            public void onContent(byte[] bytes, int offset, int length) {
                seen.append(new String(bytes, offset, length, US_ASCII));
            }

            @Override
            public void onComplete() {
                seen.append("|complete");
            }
        };
        // never opened: the codec's writes go nowhere
        Http2Codec codec = new Http2Codec(connection);
        codec.start();
        codec.send(HttpRequest.get("/sse/t0"), connection);
        int from = 0;
        for (int cut : cuts) {
            codec.onRead(stream, from, cut - from);
            from = cut;
        }
        codec.onRead(stream, from, stream.length - from);
        return seen.toString();
    }

    /** SETTINGS, PING, WINDOW_UPDATE, a header block in HEADERS and CONTINUATION frames, padded DATA, DATA, empty END_STREAM DATA. */
    private static byte[] cannedResponse() throws Exception {
        HttpFields.Mutable fields = HttpFields.build().add("content-type", "text/event-stream").add("x-long", "v".repeat(40));
        byte[] headerBlock = responseHeaders(1, fields, 16); // fragments of 16 bytes: CONTINUATION frames
        assertEquals(0x9, headerBlock[9 + ((headerBlock[0] & 0xFF) << 16 | (headerBlock[1] & 0xFF) << 8 | headerBlock[2] & 0xFF) + 3],
                "the header block continues in a CONTINUATION frame");
        byte[] padded = Splits.cat(new byte[] {5}, "id: 1\ndata: padded\n\n", new byte[5]);
        return Splits.cat(
                frame(0x4, 0, 0, 0, 1, 0, 0, 0x10, 0), // SETTINGS: HEADER_TABLE_SIZE 4096
                frame(0x6, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8), // PING
                frame(0x8, 0, 0, 0, 0, 0x10, 0), // WINDOW_UPDATE on the connection
                headerBlock,
                frame(0x0, 0x8, 1, padded), // DATA, PADDED
                frame(0x0, 0, 1, "id: 2\ndata: plain\n\n".getBytes(US_ASCII)),
                frame(0x0, 0x1, 1, new byte[0])); // DATA, END_STREAM
    }

    /** A 200 response's HEADERS on {@code streamId}, HPACK by Jetty, the block cut in {@code fragmentBytes} fragments. */
    static byte[] responseHeaders(int streamId, HttpFields fields, int fragmentBytes) throws Exception {
        ByteBufferPool pool = new ByteBufferPool.NonPooling();
        Generator generator = new Generator(pool, fragmentBytes);
        RetainableByteBuffer.Mutable headers = new RetainableByteBuffer.DynamicCapacity(pool, false, 65_536);
        generator.control(headers, new HeadersFrame(streamId, new MetaData.Response(200, null, HttpVersion.HTTP_2, fields), null, false));
        return headers.takeByteArray();
    }

    // ---- frames by hand

    static byte[] frame(int type, int flags, int streamId, int... payload) {
        byte[] bytes = new byte[payload.length];
        for (int i = 0; i < payload.length; i++) {
            bytes[i] = (byte) payload[i];
        }
        return frame(type, flags, streamId, bytes);
    }

    static byte[] frame(int type, int flags, int streamId, byte[] payload) {
        ByteBuffer frame = ByteBuffer.allocate(9 + payload.length);
        frame.put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8)).put((byte) payload.length);
        frame.put((byte) type).put((byte) flags).putInt(streamId).put(payload);
        return frame.array();
    }

    /** A masked client text frame (FIN), as RFC 6455 §5.3 requires of clients. */
    static byte[] maskedText(String text) {
        byte[] payload = text.getBytes(UTF_8);
        if (payload.length > 125) {
            throw new IllegalArgumentException("test frames carry at most 125 bytes, got " + payload.length);
        }
        byte[] mask = {0x12, 0x34, 0x56, 0x78};
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        return frame;
    }

    /** Checks {@link H2TestServer}'s events: ids from 1 in order, each with its data line. */
    static final class SseChecker {
        private final String data;
        private final StringBuilder pending = new StringBuilder();
        long nextId = 1;

        SseChecker(int padBytes) {
            this.data = Splits.letters(padBytes);
        }

        void feed(byte[] bytes, int offset, int length) throws IOException {
            pending.append(new String(bytes, offset, length, US_ASCII));
            int cut;
            while ((cut = pending.indexOf("\n\n")) >= 0) {
                String event = pending.substring(0, cut);
                pending.delete(0, cut + 2);
                String expected = "id: " + nextId + "\ndata: " + data;
                if (!event.equals(expected)) {
                    throw new IOException("event " + nextId + " out of order or damaged: "
                            + event.substring(0, Math.min(40, event.length())));
                }
                nextId++;
            }
        }
    }

    /**
     * Accepts one connection: reads the client preface, answers with {@code first} (a SETTINGS, or
     * any bytes), and once the client's first HEADERS arrived writes {@code afterRequest}; keeps every
     * frame the client sent after its preface in {@link #clientFrames}; {@link #write} sends more.
     */
    static final class ScriptedH2Server implements AutoCloseable {
        final LinkedBlockingQueue<byte[]> clientFrames = new LinkedBlockingQueue<>();
        private final ServerSocket socket;
        private final Thread thread;
        private final CompletableFuture<OutputStream> out = new CompletableFuture<>();

        /** An empty SETTINGS, then {@code afterRequest}. */
        ScriptedH2Server(byte[] afterRequest) throws IOException {
            this(frame(0x4, 0, 0, new byte[0]), afterRequest);
        }

        ScriptedH2Server(byte[] first, byte[] afterRequest) throws IOException {
            socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            thread = new Thread(() -> serve(first, afterRequest), "scripted-h2");
            thread.setDaemon(true);
            thread.start();
        }

        InetSocketAddress address() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort());
        }

        /** Writes {@code bytes} to the client once it connected. */
        void write(byte[] bytes) throws Exception {
            OutputStream stream = out.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            synchronized (stream) {
                stream.write(bytes);
                stream.flush();
            }
        }

        /** The next frame of {@code type} the client sent, skipping others. */
        byte[] nextClientFrame(int type) throws InterruptedException {
            while (true) {
                byte[] frame = clientFrames.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertNotNull(frame, "no frame of type " + type + " from the client");
                if (frame[3] == type) {
                    return frame;
                }
            }
        }

        private void serve(byte[] first, byte[] afterRequest) {
            try (Socket s = socket.accept()) {
                InputStream in = s.getInputStream();
                OutputStream stream = s.getOutputStream();
                in.readNBytes(24);
                synchronized (stream) {
                    stream.write(first);
                    stream.flush();
                }
                out.complete(stream);
                boolean answered = afterRequest == null;
                while (true) {
                    byte[] head = in.readNBytes(9);
                    if (head.length < 9) {
                        return;
                    }
                    byte[] payload = in.readNBytes((head[0] & 0xFF) << 16 | (head[1] & 0xFF) << 8 | head[2] & 0xFF);
                    clientFrames.add(Splits.cat(head, payload));
                    if (!answered && head[3] == 0x1) {
                        answered = true;
                        synchronized (stream) {
                            stream.write(afterRequest);
                            stream.flush();
                        }
                    }
                }
            } catch (IOException ignored) {
                // the client went
            }
        }

        @Override
        public void close() throws Exception {
            socket.close();
            thread.join(5_000);
        }
    }
}
