package dev.pushbench.client.nio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.http.HostPortHttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.frames.Frame;
import org.eclipse.jetty.http2.frames.GoAwayFrame;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.frames.PingFrame;
import org.eclipse.jetty.http2.frames.PrefaceFrame;
import org.eclipse.jetty.http2.frames.PushPromiseFrame;
import org.eclipse.jetty.http2.frames.ResetFrame;
import org.eclipse.jetty.http2.frames.SettingsFrame;
import org.eclipse.jetty.http2.frames.WindowUpdateFrame;
import org.eclipse.jetty.http2.generator.Generator;
import org.eclipse.jetty.http2.hpack.HpackContext;
import org.eclipse.jetty.http2.hpack.HpackException;
import org.eclipse.jetty.http2.parser.Parser;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.RetainableByteBuffer;

/**
 * HTTP/2 (RFC 9113) for one {@link NioConnection}, with prior knowledge: {@code h2c} on cleartext
 * TCP, {@code h2} on the plaintext side of TLS once ALPN chose it. Frames other than DATA and HPACK
 * are Jetty's low-level codec ({@link Parser}, {@link Generator}); none of HTTP2Client's session,
 * flusher or thread hand-offs.
 *
 * <pre>
 *   HttpCodec codec = engine.newCodec(connection);   // protocol h2c or h2
 *   codec.start();                                    // in onConnected: preface, SETTINGS, WINDOW_UPDATE
 *   codec.send(HttpRequest.get("/sse/t0", "Accept", "text/event-stream"), exchange);
 *   codec.onRead(bytes, offset, length);              // every read; the exchange hears head, body, end
 * </pre>
 *
 * <p>The main exchange ({@link #send}) goes one at a time, each on a new client stream (1, 3, 5…): a
 * new one may be sent once the previous one completed, as polling does. Side exchanges
 * ({@link #sendAlongside}: a POST beside the SSE stream, a held poll or the WebSocket tunnel) run
 * at the same time on streams of their own, found by id in a small array; a request body goes as
 * DATA within the server's windows, the last frame with END_STREAM. A WebSocket request is RFC 8441's extended CONNECT
 * ({@code :protocol websocket}); it waits for the server's first SETTINGS and is refused with an
 * {@link IOException} unless they carried {@code SETTINGS_ENABLE_CONNECT_PROTOCOL = 1}. A 200 opens
 * the tunnel: DATA both ways, {@link #writeTunnel} within the server's flow-control windows (bytes
 * beyond them wait for its WINDOW_UPDATE).
 *
 * <p>Receiving: the client announces {@value #DEFAULT_WINDOW_BYTES} bytes of window for each stream
 * and for the connection, and credits consumed bytes back with WINDOW_UPDATE once half a window was
 * consumed, so an endless SSE stream never stalls. DATA frames, the hot path, are read here: the
 * 9-byte frame head, then the payload handed to the exchange as slices of the read buffer, so
 * receiving allocates nothing per frame (Jetty's parser would allocate a frame and a buffer slice
 * for each). Every other frame is gathered whole and handed to Jetty's parser, CONTINUATION and
 * HPACK included.
 *
 * <p>Ends: GOAWAY fails the connection, naming its error code and debug text, unless it is graceful
 * and covers the exchanges in progress (which then finish; later requests are refused, a side
 * exchange it does not cover fails alone); RST_STREAM on the main exchange fails the connection
 * naming the error code, on a side exchange only that exchange ({@code onFailed}); the server's
 * SETTINGS_MAX_CONCURRENT_STREAMS is not counted here: a stream over it is refused by the server
 * (RST_STREAM REFUSED_STREAM) and so fails alone; a server that breaks the protocol
 * (DATA on a stream that is not open, a window overrun, a frame over the announced size, PUSH_PROMISE
 * though push is disabled) throws {@link ProtocolViolationException}. {@link #onClosing} sends
 * GOAWAY (NO_ERROR).
 *
 * <p>The class is long because a connection's HTTP/2 state is one machine on one thread: the frame
 * being read, the server's settings, both directions' flow-control windows and the exchanges in
 * flight are read and changed by the same frames; split up, each part would reach into the others.
 */
public final class Http2Codec extends HttpCodec {
    /** The receive window for each stream and for the connection: 16 MiB. */
    public static final int DEFAULT_WINDOW_BYTES = 16 * 1024 * 1024;
    /** Every peer starts with these windows (RFC 9113 §6.9.2). */
    private static final int PROTOCOL_INITIAL_WINDOW_BYTES = 65_535;
    /** SETTINGS_MAX_FRAME_SIZE is not sent, so the server's frames keep the protocol's default. */
    private static final int RECEIVE_MAX_FRAME_BYTES = 16_384;
    private static final int MAX_HEADER_LIST_BYTES = 64 * 1024;
    private static final int FRAME_HEAD_BYTES = 9;
    private static final int FIRST_CONTROL_FRAME_BYTES = 256;
    private static final byte[] NO_BYTES = new byte[0];
    private static final long MAX_WINDOW_BYTES = Integer.MAX_VALUE;

    private static final int TYPE_DATA = 0x0;
    private static final int TYPE_HEADERS = 0x1;
    private static final int TYPE_SETTINGS = 0x4;
    private static final int TYPE_PUSH_PROMISE = 0x5;
    private static final int TYPE_CONTINUATION = 0x9;
    private static final int FLAG_END_STREAM = 0x1;
    private static final int FLAG_END_HEADERS = 0x4;
    private static final int FLAG_PADDED = 0x8;

    private final NioConnection connection;
    private final String scheme;
    private final String authority;
    private final int receiveWindowBytes;
    private final int creditThresholdBytes;
    private final Generator generator;
    private final RetainableByteBuffer.Mutable generated;
    private final Parser parser;
    private final Frames frames = new Frames();
    /**
     * What a callback from Jetty's parser failed with (the exchange's own exceptions included),
     * thrown unchanged once the parser returns: the parser catches everything and would report it as
     * its own parse error.
     */
    private Throwable listenerFailure;

    // ---- the frame being read
    private final byte[] frameHead = new byte[FRAME_HEAD_BYTES];
    private int frameHeadFilledBytes;
    private int framePayloadBytes;
    private int frameType;
    private int frameFlags;
    private int frameStreamId;
    private boolean awaitingPadLength;
    private int dataLeftBytes;
    private int padLeftBytes;
    private ByteBuffer controlFrame;
    private boolean continuationExpected;
    private boolean serverSettingsSeen;

    // ---- what the server's SETTINGS said
    private boolean connectProtocolEnabled;
    private int serverInitialWindowBytes = PROTOCOL_INITIAL_WINDOW_BYTES;
    private int serverMaxFrameBytes = RECEIVE_MAX_FRAME_BYTES;

    // ---- the connection's flow control
    private long connectionSendWindowBytes = PROTOCOL_INITIAL_WINDOW_BYTES;
    private long connectionReceiveWindowBytes;
    private int connectionUncreditedBytes;

    // ---- the exchanges in flight
    private int nextStreamId = 1;
    /** The main exchange's stream, reused from one exchange to the next. */
    private final Stream mainStream = new Stream(false);
    /** {@link #mainStream} while the main exchange is in flight; null when none. */
    private Stream main;
    /** The streams whose HEADERS went, main and side, in the order they were opened: {@code streams[0, streamCount)}. */
    private Stream[] streams = new Stream[4];
    private int streamCount;
    /** The stream of the DATA frame being read. */
    private Stream dataStream;

    private GoAwayFrame goAway;

    /** The codec of {@code connection}, whose engine's protocol says the scheme (h2c: http, h2: https). */
    public Http2Codec(NioConnection connection) {
        this(connection, DEFAULT_WINDOW_BYTES);
    }

    /** @param receiveWindowBytes the receive window for each stream and for the connection; small ones test WINDOW_UPDATE */
    Http2Codec(NioConnection connection, int receiveWindowBytes) {
        this.connection = connection;
        NioEngine engine = connection.engine();
        if (!engine.config().protocol().isHttp2()) {
            throw new IllegalArgumentException("Http2Codec needs protocol h2c or h2, got " + engine.config().protocol());
        }
        if (receiveWindowBytes < 1024) {
            throw new IllegalArgumentException("receiveWindowBytes must be at least 1024, got " + receiveWindowBytes);
        }
        this.scheme = engine.config().protocol().scheme();
        this.authority = engine.hostHeader;
        this.receiveWindowBytes = receiveWindowBytes;
        this.creditThresholdBytes = receiveWindowBytes / 2;
        this.connectionReceiveWindowBytes = Math.max(receiveWindowBytes, PROTOCOL_INITIAL_WINDOW_BYTES);
        ByteBufferPool pool = new ByteBufferPool.NonPooling();
        this.generator = new Generator(pool);
        this.generated = new RetainableByteBuffer.DynamicCapacity(pool, false, 1024 * 1024);
        this.parser = new Parser(pool, MAX_HEADER_LIST_BYTES);
        this.parser.setMaxFrameSize(RECEIVE_MAX_FRAME_BYTES);
        this.parser.init(frames);
    }

    @Override
    public void start() throws IOException {
        generate(new PrefaceFrame());
        generate(new SettingsFrame(Map.of(
                SettingsFrame.ENABLE_PUSH, 0,
                SettingsFrame.INITIAL_WINDOW_SIZE, receiveWindowBytes,
                SettingsFrame.MAX_HEADER_LIST_SIZE, MAX_HEADER_LIST_BYTES), false));
        if (receiveWindowBytes > PROTOCOL_INITIAL_WINDOW_BYTES) {
            generate(new WindowUpdateFrame(0, receiveWindowBytes - PROTOCOL_INITIAL_WINDOW_BYTES));
        }
        flushGenerated();
    }

    @Override
    public void send(HttpRequest request, Exchange exchange) throws IOException {
        if (main != null) {
            throw new IllegalStateException("one exchange at a time: stream " + main.id + " (" + main.request.target()
                    + ") has not completed");
        }
        if (goAway != null) {
            throw new IOException("the server sent GOAWAY (" + describe(goAway) + "): no new request on this connection");
        }
        main = mainStream;
        main.prepare(request, exchange);
        if (request.webSocket() && !serverSettingsSeen) {
            return; // whether extended CONNECT is allowed is in the server's SETTINGS: sent with them (id 0 till then)
        }
        openStream(main);
    }

    @Override
    public void sendAlongside(HttpRequest request, Exchange exchange) throws IOException {
        if (request.webSocket()) {
            throw new IllegalArgumentException("a WebSocket is a connection's main exchange, not a side one: " + request.target());
        }
        if (goAway != null) {
            tellFailed(exchange, new IOException("the server sent GOAWAY (" + describe(goAway) + "): no new request on"
                    + " this connection (" + request.method() + " " + request.target() + ")"));
            return;
        }
        Stream side = new Stream(true);
        side.prepare(request, exchange);
        openStream(side);
    }

    @Override
    public boolean multiplexes() {
        return true;
    }

    /** Sends the stream's HEADERS (END_STREAM unless a body or a tunnel follows), then as much of its body as the windows take. */
    private void openStream(Stream stream) throws IOException {
        HttpRequest request = stream.request;
        if (request.webSocket() && !connectProtocolEnabled) {
            throw new IOException("the server did not advertise SETTINGS_ENABLE_CONNECT_PROTOCOL = 1: it takes no"
                    + " WebSocket over HTTP/2 (RFC 8441 extended CONNECT) for " + request.target());
        }
        if (nextStreamId < 0) {
            throw new IOException("client stream ids are exhausted on this connection");
        }
        stream.id = nextStreamId;
        nextStreamId += 2;
        stream.sendWindowBytes = serverInitialWindowBytes;
        stream.receiveWindowBytes = receiveWindowBytes;
        stream.uncreditedBytes = 0;
        if (streamCount == streams.length) {
            streams = Arrays.copyOf(streams, 2 * streams.length);
        }
        streams[streamCount++] = stream;

        HttpFields.Mutable fields = HttpFields.build();
        String[] headers = request.headers();
        for (int i = 0; i < headers.length; i += 2) {
            fields.add(headers[i].toLowerCase(Locale.ROOT), headers[i + 1]);
        }
        byte[] body = request.body();
        boolean hasBody = body != null && body.length > 0;
        if (body != null) {
            fields.put("content-length", Integer.toString(body.length));
        }
        HostPortHttpField host = new HostPortHttpField(authority);
        MetaData.Request metaData;
        if (request.webSocket()) {
            fields.add("sec-websocket-version", "13");
            metaData = new MetaData.ConnectRequest(scheme, host, request.target(), fields, "websocket");
        } else {
            metaData = new MetaData.Request(request.method(), scheme, host, request.target(), HttpVersion.HTTP_2, fields, -1);
        }
        generate(new HeadersFrame(stream.id, metaData, null, !request.webSocket() && !hasBody));
        flushGenerated();
        if (hasBody) {
            stream.body = body;
            flushOut(stream);
        }
    }

    @Override
    public void writeTunnel(byte[] bytes, int offset, int length) throws IOException {
        Stream tunnel = main;
        if (tunnel == null || !tunnel.tunnelOpen) {
            throw new IllegalStateException("no open tunnel: the WebSocket exchange has not been answered with 200");
        }
        if (tunnel.backlogLength + length > tunnel.backlog.length) {
            tunnel.backlog = Arrays.copyOf(tunnel.backlog,
                    Math.max(tunnel.backlogLength + length, Math.max(256, 2 * tunnel.backlog.length)));
        }
        System.arraycopy(bytes, offset, tunnel.backlog, tunnel.backlogLength, length);
        tunnel.backlogLength += length;
        flushOut(tunnel);
    }

    /**
     * Sends as much of what {@code stream} has waiting (its tunnel's backlog, or the rest of its request
     * body, whose last frame carries END_STREAM) as the windows allow, in DATA frames of at most the
     * server's frame size; the rest waits for a WINDOW_UPDATE. Nothing goes before the server's first
     * SETTINGS: a smaller initial window in them binds bytes sent before they were read (Jetty resets
     * the stream with FLOW_CONTROL_ERROR).
     */
    private void flushOut(Stream stream) throws IOException {
        if (!serverSettingsSeen) {
            return; // the server's SETTINGS may shrink the windows it starts with: bytes wait for them
        }
        byte[] source;
        int from;
        int length;
        boolean isBody = stream.body != null;
        if (isBody) {
            source = stream.body;
            from = stream.bodySentBytes;
            length = source.length - from;
        } else {
            source = stream.backlog;
            from = 0;
            length = stream.backlogLength;
        }
        int sent = 0;
        while (sent < length) {
            long window = Math.min(connectionSendWindowBytes, stream.sendWindowBytes);
            int frameBytes = (int) Math.min(Math.min(window, serverMaxFrameBytes), length - sent);
            if (frameBytes <= 0) {
                break;
            }
            boolean last = isBody && sent + frameBytes == length;
            byte[] frame = new byte[FRAME_HEAD_BYTES + frameBytes];
            writeFrameHead(frame, frameBytes, TYPE_DATA, last ? FLAG_END_STREAM : 0, stream.id);
            System.arraycopy(source, from + sent, frame, FRAME_HEAD_BYTES, frameBytes);
            connection.write(frame);
            connectionSendWindowBytes -= frameBytes;
            stream.sendWindowBytes -= frameBytes;
            sent += frameBytes;
        }
        if (isBody) {
            stream.bodySentBytes += sent;
            if (stream.bodySentBytes == source.length) {
                stream.body = null; // all sent: the caller's array is let go
            }
        } else if (sent > 0) {
            System.arraycopy(stream.backlog, sent, stream.backlog, 0, stream.backlogLength - sent);
            stream.backlogLength -= sent;
        }
    }

    /** After the connection's window grew: every stream's waiting bytes, in the order the streams opened. */
    private void flushAll() throws IOException {
        for (int i = 0; i < streamCount && connectionSendWindowBytes > 0 && !connection.isClosed(); i++) {
            Stream stream = streams[i];
            if (stream.hasOut()) {
                flushOut(stream);
            }
        }
    }

    /** The open stream {@code id}; null when none (never opened, completed, failed). */
    private Stream find(int id) {
        for (int i = 0; i < streamCount; i++) {
            if (streams[i].id == id) {
                return streams[i];
            }
        }
        return null;
    }

    /** Takes {@code stream} out of the open streams (it completed or failed). */
    private void remove(Stream stream) {
        for (int i = 0; i < streamCount; i++) {
            if (streams[i] == stream) {
                System.arraycopy(streams, i + 1, streams, i, streamCount - i - 1);
                streams[--streamCount] = null;
                break;
            }
        }
        if (stream == main) {
            main = null;
        }
        stream.finish();
    }

    @Override
    public void failAll(Throwable cause) {
        List<Exchange> failed = new ArrayList<>(streamCount + 1);
        if (main != null && main.id == 0) {
            failed.add(main.exchange); // a WebSocket request still waiting for the server's SETTINGS
        }
        for (int i = 0; i < streamCount; i++) {
            failed.add(streams[i].exchange);
            streams[i].finish();
            streams[i] = null;
        }
        streamCount = 0;
        if (main != null) {
            main.finish();
            main = null;
        }
        for (Exchange exchange : failed) {
            tellFailed(exchange, cause);
        }
    }

    @Override
    public void onRead(byte[] bytes, int offset, int length) throws IOException {
        int at = offset;
        int end = offset + length;
        while (at < end && !connection.isClosed()) {
            if (frameHeadFilledBytes < FRAME_HEAD_BYTES) {
                int n = Math.min(FRAME_HEAD_BYTES - frameHeadFilledBytes, end - at);
                System.arraycopy(bytes, at, frameHead, frameHeadFilledBytes, n);
                frameHeadFilledBytes += n;
                at += n;
                if (frameHeadFilledBytes == FRAME_HEAD_BYTES) {
                    beginFrame();
                }
            } else if (frameType == TYPE_DATA) {
                at = data(bytes, at, end);
            } else {
                int n = Math.min(controlFrame.remaining(), end - at);
                controlFrame.put(bytes, at, n);
                at += n;
                if (!controlFrame.hasRemaining()) {
                    endControlFrame();
                }
            }
        }
    }

    private void beginFrame() throws IOException {
        framePayloadBytes = (frameHead[0] & 0xFF) << 16 | (frameHead[1] & 0xFF) << 8 | frameHead[2] & 0xFF;
        frameType = frameHead[3] & 0xFF;
        frameFlags = frameHead[4] & 0xFF;
        frameStreamId = ((frameHead[5] & 0x7F) << 24) | (frameHead[6] & 0xFF) << 16 | (frameHead[7] & 0xFF) << 8
                | frameHead[8] & 0xFF;
        if (!serverSettingsSeen && frameType != TYPE_SETTINGS) {
            throw new ProtocolViolationException("the server's connection preface must start with SETTINGS"
                    + " (RFC 9113 §3.4), got a frame of type " + frameType + "; is the server speaking HTTP/2?");
        }
        if (framePayloadBytes > RECEIVE_MAX_FRAME_BYTES) {
            throw new ProtocolViolationException("HTTP/2 frame of type " + frameType + " carries " + framePayloadBytes
                    + " bytes, over the SETTINGS_MAX_FRAME_SIZE of " + RECEIVE_MAX_FRAME_BYTES + " (FRAME_SIZE_ERROR)");
        }
        if (continuationExpected != (frameType == TYPE_CONTINUATION)) {
            throw new ProtocolViolationException(continuationExpected
                    ? "a header block was interrupted by a frame of type " + frameType + " before its CONTINUATION"
                    : "CONTINUATION without a header block in progress");
        }
        if (frameType == TYPE_HEADERS || frameType == TYPE_PUSH_PROMISE || frameType == TYPE_CONTINUATION) {
            continuationExpected = (frameFlags & FLAG_END_HEADERS) == 0;
        }
        if (frameType == TYPE_DATA) {
            beginData();
        } else {
            if (controlFrame == null || controlFrame.capacity() < FRAME_HEAD_BYTES + framePayloadBytes) {
                // sized to what arrives (SETTINGS, a response's HEADERS: tens of bytes), not to the largest frame allowed
                int capacity = controlFrame == null ? FIRST_CONTROL_FRAME_BYTES : 2 * controlFrame.capacity();
                controlFrame = ByteBuffer.allocate(Math.max(capacity, FRAME_HEAD_BYTES + framePayloadBytes));
            }
            controlFrame.clear().limit(FRAME_HEAD_BYTES + framePayloadBytes);
            controlFrame.put(frameHead);
            if (framePayloadBytes == 0) {
                endControlFrame();
            }
        }
    }

    // ---- DATA, read here: nothing allocated per frame

    private void beginData() throws IOException {
        Stream stream = frameStreamId == 0 ? null : find(frameStreamId);
        if (stream == null || !stream.headReceived) {
            throw new ProtocolViolationException("DATA on stream " + frameStreamId + ", which is not open for a body"
                    + (stream == null ? " (" + describeOpenStreams() + ")" : " (still waiting for its HEADERS)"));
        }
        dataStream = stream;
        connectionReceiveWindowBytes -= framePayloadBytes;
        stream.receiveWindowBytes -= framePayloadBytes;
        if (connectionReceiveWindowBytes < 0 || stream.receiveWindowBytes < 0) {
            throw new ProtocolViolationException("the server overran the flow-control window: DATA of " + framePayloadBytes
                    + " bytes on stream " + frameStreamId + " with " + (connectionReceiveWindowBytes + framePayloadBytes)
                    + " bytes left on the connection and " + (stream.receiveWindowBytes + framePayloadBytes)
                    + " on the stream (FLOW_CONTROL_ERROR)");
        }
        awaitingPadLength = (frameFlags & FLAG_PADDED) != 0;
        dataLeftBytes = awaitingPadLength ? framePayloadBytes - 1 : framePayloadBytes;
        padLeftBytes = 0;
        if (awaitingPadLength && framePayloadBytes == 0) {
            throw new ProtocolViolationException("a padded DATA frame without its pad length (stream " + frameStreamId + ")");
        }
        if (framePayloadBytes == 0) {
            endData();
        }
    }

    private int data(byte[] bytes, int at, int end) throws IOException {
        if (awaitingPadLength) {
            awaitingPadLength = false;
            padLeftBytes = bytes[at++] & 0xFF;
            if (padLeftBytes > dataLeftBytes) {
                throw new ProtocolViolationException("DATA frame padding of " + padLeftBytes + " bytes exceeds its "
                        + dataLeftBytes + "-byte payload (stream " + frameStreamId + ")");
            }
            dataLeftBytes -= padLeftBytes;
        }
        int n = Math.min(dataLeftBytes, end - at);
        if (n > 0) {
            dataLeftBytes -= n;
            dataStream.exchange.onContent(bytes, at, n);
            at += n;
        }
        if (dataLeftBytes == 0) {
            int skipped = Math.min(padLeftBytes, end - at);
            padLeftBytes -= skipped;
            at += skipped;
            if (padLeftBytes == 0 && !awaitingPadLength && !connection.isClosed()) {
                endData();
            }
        }
        return at;
    }

    private void endData() throws IOException {
        frameHeadFilledBytes = 0;
        boolean endStream = (frameFlags & FLAG_END_STREAM) != 0;
        Stream stream = dataStream;
        dataStream = null;
        if (!stream.active) {
            return; // failed while its bytes were handed on (the connection ends)
        }
        connectionUncreditedBytes += framePayloadBytes;
        if (!endStream) {
            stream.uncreditedBytes += framePayloadBytes;
        }
        creditConsumed(stream);
        if (endStream) {
            complete(stream);
        }
    }

    /** Gives consumed bytes back to the server once half a window was consumed, in one write. */
    private void creditConsumed(Stream stream) throws IOException {
        boolean any = false;
        if (connectionUncreditedBytes >= creditThresholdBytes) {
            generate(new WindowUpdateFrame(0, connectionUncreditedBytes));
            connectionReceiveWindowBytes += connectionUncreditedBytes;
            connectionUncreditedBytes = 0;
            any = true;
        }
        if (stream.uncreditedBytes >= creditThresholdBytes) {
            generate(new WindowUpdateFrame(stream.id, stream.uncreditedBytes));
            stream.receiveWindowBytes += stream.uncreditedBytes;
            stream.uncreditedBytes = 0;
            any = true;
        }
        if (any) {
            flushGenerated();
        }
    }

    /** An exchange ended: its stream is closed before the exchange hears it, so it may send the next request. */
    private void complete(Stream stream) throws IOException {
        Exchange done = stream.exchange;
        remove(stream);
        done.onComplete();
    }

    // ---- every other frame: Jetty's parser, one whole frame at a time

    private void endControlFrame() throws IOException {
        frameHeadFilledBytes = 0;
        controlFrame.flip();
        while (controlFrame.hasRemaining() && listenerFailure == null) {
            parser.parse(controlFrame);
        }
        if (listenerFailure != null) {
            Throwable failure = listenerFailure;
            listenerFailure = null;
            if (failure instanceof IOException e) {
                throw e;
            }
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            throw (Error) failure;
        }
    }

    private final class Frames implements Parser.Listener {
        @Override
        public void onSettings(SettingsFrame frame) {
            run(() -> settings(frame));
        }

        @Override
        public void onPing(PingFrame frame) {
            run(() -> {
                if (!frame.isReply()) {
                    generate(new PingFrame(frame.getPayload(), true));
                    flushGenerated();
                }
            });
        }

        @Override
        public void onHeaders(HeadersFrame frame) {
            run(() -> headers(frame));
        }

        @Override
        public void onReset(ResetFrame frame) {
            run(() -> reset(frame));
        }

        @Override
        public void onGoAway(GoAwayFrame frame) {
            run(() -> goAway(frame));
        }

        @Override
        public void onWindowUpdate(WindowUpdateFrame frame) {
            run(() -> windowUpdate(frame));
        }

        @Override
        public void onPushPromise(PushPromiseFrame frame) {
            run(() -> {
                throw new ProtocolViolationException("PUSH_PROMISE on stream " + frame.getStreamId()
                        + " though the client's SETTINGS_ENABLE_PUSH was 0");
            });
        }

        @Override
        public void onStreamFailure(int failedStreamId, int error, String reason) {
            run(() -> {
                throw new ProtocolViolationException("HTTP/2 stream " + failedStreamId + " failed to parse: "
                        + errorName(error) + ", " + reason);
            });
        }

        @Override
        public void onConnectionFailure(int error, String reason) {
            run(() -> {
                throw new ProtocolViolationException("HTTP/2 frame failed to parse: " + errorName(error) + ", " + reason);
            });
        }

        private void run(Action action) {
            if (listenerFailure != null) {
                return;
            }
            try {
                action.run();
            } catch (IOException | RuntimeException | Error e) {
                listenerFailure = e;
            }
        }
    }

    @FunctionalInterface
    private interface Action {
        void run() throws IOException;
    }

    private void settings(SettingsFrame frame) throws IOException {
        if (frame.isReply()) {
            return;
        }
        for (Map.Entry<Integer, Integer> setting : frame.getSettings().entrySet()) {
            int value = setting.getValue();
            switch (setting.getKey()) {
                case SettingsFrame.HEADER_TABLE_SIZE -> {
                    generator.getHpackEncoder().setMaxTableCapacity(value);
                    generator.getHpackEncoder().setTableCapacity(Math.min(value, HpackContext.DEFAULT_MAX_TABLE_CAPACITY));
                }
                case SettingsFrame.INITIAL_WINDOW_SIZE -> {
                    if (value < 0) {
                        throw new ProtocolViolationException("SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1 (FLOW_CONTROL_ERROR)");
                    }
                    long delta = (long) value - serverInitialWindowBytes;
                    serverInitialWindowBytes = value;
                    for (int i = 0; i < streamCount; i++) {
                        streams[i].sendWindowBytes = checkedWindow(streams[i].sendWindowBytes + delta, "stream " + streams[i].id);
                    }
                }
                case SettingsFrame.MAX_FRAME_SIZE -> {
                    if (value < 16_384 || value > 16_777_215) {
                        throw new ProtocolViolationException("SETTINGS_MAX_FRAME_SIZE must be between 16384 and 16777215,"
                                + " got " + value + " (PROTOCOL_ERROR)");
                    }
                    serverMaxFrameBytes = value;
                    generator.setMaxFrameSize(value);
                }
                case SettingsFrame.MAX_HEADER_LIST_SIZE -> generator.getHpackEncoder().setMaxHeaderListSize(value);
                case SettingsFrame.ENABLE_CONNECT_PROTOCOL -> connectProtocolEnabled = value == 1;
                default -> {
                    // ENABLE_PUSH does not bind a client; MAX_CONCURRENT_STREAMS is not counted: a stream over it is refused
                }
            }
        }
        generate(new SettingsFrame(Map.of(), true));
        flushGenerated();
        serverSettingsSeen = true;
        if (main != null && main.id == 0) {
            openStream(main);
        }
        flushAll();
    }

    private void headers(HeadersFrame frame) throws IOException {
        Stream stream = find(frame.getStreamId());
        if (stream == null) {
            throw new ProtocolViolationException("HEADERS on stream " + frame.getStreamId() + ", which is not open ("
                    + describeOpenStreams() + ")");
        }
        int id = stream.id;
        if (stream.headReceived) {
            if (!frame.isEndStream()) {
                throw new ProtocolViolationException("trailing HEADERS without END_STREAM on stream " + id);
            }
            complete(stream); // trailers are not read
            return;
        }
        if (!(frame.getMetaData() instanceof MetaData.Response response)) {
            throw new ProtocolViolationException("HEADERS on stream " + id + " are not a response (no :status)");
        }
        int status = response.getStatus();
        if (status == 101) {
            throw new ProtocolViolationException("a 101 on stream " + id + ": HTTP/2 has no upgrade (RFC 9113 §8.6)");
        }
        if (status >= 100 && status < 200) {
            if (frame.isEndStream()) {
                throw new ProtocolViolationException("an informational " + status + " response ended stream " + id);
            }
            return; // the final response follows
        }
        stream.headReceived = true;
        stream.tunnelOpen = stream.request.webSocket() && status == 200;
        stream.exchange.onHead(new Head(status, response.getHttpFields()));
        if (frame.isEndStream() && !connection.isClosed() && stream.active && stream.id == id) {
            complete(stream);
        }
    }

    /**
     * RST_STREAM: on the main exchange it ends the connection, naming the error code; on a side exchange
     * (REFUSED_STREAM over the server's stream limit, a handler that failed) that exchange alone fails.
     */
    private void reset(ResetFrame frame) throws IOException {
        Stream stream = find(frame.getStreamId());
        if (stream == null) {
            return; // a stream that already completed
        }
        StreamResetException reset = new StreamResetException("the server reset stream " + stream.id + " ("
                + stream.request.method() + " " + stream.request.target() + ") with " + errorName(frame.getError()));
        if (!stream.side) {
            throw reset;
        }
        Exchange failed = stream.exchange;
        remove(stream);
        tellFailed(failed, reset);
    }

    /**
     * GOAWAY: the main exchange fails the connection unless the GOAWAY is graceful and covers it; so does any
     * exchange under a GOAWAY with an error; under a graceful one a side exchange it does not cover fails alone.
     */
    private void goAway(GoAwayFrame frame) throws IOException {
        goAway = frame;
        boolean graceful = frame.getError() == ErrorCode.NO_ERROR.code;
        if (main != null && !(graceful && main.id != 0 && main.id <= frame.getLastStreamId())) {
            throw new StreamResetException("the server sent GOAWAY (" + describe(frame) + ") while stream " + main.id + " ("
                    + main.request.method() + " " + main.request.target() + ") was in progress");
        }
        if (!graceful && streamCount > 0) {
            throw new StreamResetException("the server sent GOAWAY (" + describe(frame) + ") while " + streamCount
                    + " exchange(s) were in flight (" + describeOpenStreams() + ")");
        }
        for (int i = streamCount - 1; i >= 0; i--) {
            Stream stream = streams[i];
            if (stream != null && stream.side && stream.id > frame.getLastStreamId()) {
                Exchange failed = stream.exchange;
                String what = stream.request.method() + " " + stream.request.target();
                remove(stream);
                tellFailed(failed, new IOException("the server sent GOAWAY (" + describe(frame) + "): stream " + stream.id
                        + " (" + what + ") was not processed"));
            }
        }
    }

    private void windowUpdate(WindowUpdateFrame frame) throws IOException {
        int delta = frame.getWindowDelta();
        if (frame.getStreamId() == 0) {
            connectionSendWindowBytes = checkedWindow(connectionSendWindowBytes + delta, "the connection");
            flushAll();
            return;
        }
        Stream stream = find(frame.getStreamId());
        if (stream == null) {
            return; // a stream that already completed
        }
        stream.sendWindowBytes = checkedWindow(stream.sendWindowBytes + delta, "stream " + stream.id);
        if (stream.hasOut()) {
            flushOut(stream);
        }
    }

    private String describeOpenStreams() {
        if (streamCount == 0) {
            return "no exchange in progress";
        }
        StringBuilder open = new StringBuilder("open: ");
        for (int i = 0; i < streamCount; i++) {
            open.append(i == 0 ? "" : ", ").append(streams[i].id).append(streams[i].headReceived ? "" : " (waiting for its HEADERS)");
        }
        return open.toString();
    }

    private static long checkedWindow(long windowBytes, String what) throws ProtocolViolationException {
        if (windowBytes > MAX_WINDOW_BYTES) {
            throw new ProtocolViolationException("the send window of " + what + " grew to " + windowBytes
                    + " bytes, over 2^31-1 (FLOW_CONTROL_ERROR)");
        }
        return windowBytes;
    }

    @Override
    public boolean onEndOfStream() {
        return main == null && streamCount == 0;
    }

    @Override
    public void onClosing() throws IOException {
        generate(new GoAwayFrame(0, ErrorCode.NO_ERROR.code, null));
        flushGenerated();
    }

    // ---- writing

    private void generate(Frame frame) throws IOException {
        try {
            generator.control(generated, frame);
        } catch (HpackException e) {
            throw new IOException("encoding the request headers failed: " + e.getMessage(), e);
        }
    }

    private void flushGenerated() throws IOException {
        connection.write(generated.takeByteArray());
    }

    private static void writeFrameHead(byte[] frame, int length, int type, int flags, int streamId) {
        frame[0] = (byte) (length >>> 16);
        frame[1] = (byte) (length >>> 8);
        frame[2] = (byte) length;
        frame[3] = (byte) type;
        frame[4] = (byte) flags;
        frame[5] = (byte) (streamId >>> 24 & 0x7F);
        frame[6] = (byte) (streamId >>> 16);
        frame[7] = (byte) (streamId >>> 8);
        frame[8] = (byte) streamId;
    }

    private static String errorName(int error) {
        ErrorCode code = ErrorCode.from(error);
        return (code == null ? "error" : code.name()) + " (0x" + Integer.toHexString(error) + ")";
    }

    private static String describe(GoAwayFrame frame) {
        String debug = frame.tryConvertPayload();
        return errorName(frame.getError()) + ", last stream " + frame.getLastStreamId()
                + (debug == null || debug.isEmpty() ? "" : ", \"" + debug + "\"");
    }

    /** One exchange's stream: its request and exchange, its windows, the bytes it still has to send. */
    private static final class Stream {
        /** A side exchange: a reset fails it alone. */
        final boolean side;
        /** 0 until its HEADERS are sent. */
        int id;
        HttpRequest request;
        Exchange exchange;
        /** Open: neither completed nor failed. */
        boolean active;
        boolean headReceived;
        boolean tunnelOpen;
        long sendWindowBytes;
        long receiveWindowBytes;
        int uncreditedBytes;
        /** The request body still to send from {@link #bodySentBytes} on; null when none is left. */
        byte[] body;
        int bodySentBytes;
        /** Tunnel bytes the server's windows did not take yet: {@code backlog[0, backlogLength)}. */
        byte[] backlog = NO_BYTES;
        int backlogLength;

        Stream(boolean side) {
            this.side = side;
        }

        void prepare(HttpRequest request, Exchange exchange) {
            this.request = request;
            this.exchange = exchange;
            id = 0;
            active = true;
            headReceived = false;
            tunnelOpen = false;
            body = null;
            bodySentBytes = 0;
            backlogLength = 0;
        }

        boolean hasOut() {
            return body != null || backlogLength > 0;
        }

        void finish() {
            active = false;
            tunnelOpen = false;
            body = null;
            backlogLength = 0;
        }
    }

    /** An HTTP/2 response head: the {@code :status} and the header fields HPACK decoded. */
    private record Head(int status, HttpFields fields) implements ResponseHead {
        @Override
        public String header(String name) {
            return fields.get(name);
        }
    }
}
