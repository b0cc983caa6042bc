package dev.pushbench.client.nio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
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
 * <p>One exchange at a time, each on a new client stream (1, 3, 5…): a new request may be sent once
 * the previous one completed, as polling does. A WebSocket request is RFC 8441's extended CONNECT
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
 * and covers the exchange in progress (which then finishes; later requests are refused); RST_STREAM
 * on the exchange in progress fails it naming the error code; a server that breaks the protocol
 * (DATA on a stream that is not open, a window overrun, a frame over the announced size, PUSH_PROMISE
 * though push is disabled) throws {@link ProtocolViolationException}. {@link #onClosing} sends
 * GOAWAY (NO_ERROR).
 *
 * <p>The class is long because a connection's HTTP/2 state is one machine on one thread: the frame
 * being read, the server's settings, both directions' flow-control windows and the exchange in
 * progress are read and changed by the same frames; split up, each part would reach into the others.
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

    // ---- the exchange in progress (streamId 0: none)
    private int nextStreamId = 1;
    private int streamId;
    private HttpRequest request;
    private Exchange exchange;
    private boolean headReceived;
    private boolean tunnelOpen;
    private long streamSendWindowBytes;
    private long streamReceiveWindowBytes;
    private int streamUncreditedBytes;
    /** A WebSocket request waiting for the server's first SETTINGS. */
    private boolean requestDeferred;
    /** Tunnel bytes the server's windows did not take yet. */
    private byte[] tunnelBacklog = NO_BYTES;
    private int tunnelBacklogLength;

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
        if (this.exchange != null) {
            throw new IllegalStateException("one exchange at a time: stream " + streamId + " (" + this.request.target()
                    + ") has not completed");
        }
        if (goAway != null) {
            throw new IOException("the server sent GOAWAY (" + describe(goAway) + "): no new request on this connection");
        }
        this.request = request;
        this.exchange = exchange;
        headReceived = false;
        tunnelOpen = false;
        tunnelBacklogLength = 0;
        if (request.webSocket() && !serverSettingsSeen) {
            requestDeferred = true; // whether extended CONNECT is allowed is in the server's SETTINGS
            return;
        }
        sendHeaders();
    }

    private void sendHeaders() throws IOException {
        requestDeferred = false;
        if (request.webSocket() && !connectProtocolEnabled) {
            throw new IOException("the server did not advertise SETTINGS_ENABLE_CONNECT_PROTOCOL = 1: it takes no"
                    + " WebSocket over HTTP/2 (RFC 8441 extended CONNECT) for " + request.target());
        }
        if (nextStreamId < 0) {
            throw new IOException("client stream ids are exhausted on this connection");
        }
        streamId = nextStreamId;
        nextStreamId += 2;
        streamSendWindowBytes = serverInitialWindowBytes;
        streamReceiveWindowBytes = receiveWindowBytes;
        streamUncreditedBytes = 0;

        HttpFields.Mutable fields = HttpFields.build();
        String[] headers = request.headers();
        for (int i = 0; i < headers.length; i += 2) {
            fields.add(headers[i].toLowerCase(Locale.ROOT), headers[i + 1]);
        }
        HostPortHttpField host = new HostPortHttpField(authority);
        MetaData.Request metaData;
        if (request.webSocket()) {
            fields.add("sec-websocket-version", "13");
            metaData = new MetaData.ConnectRequest(scheme, host, request.target(), fields, "websocket");
        } else {
            metaData = new MetaData.Request(request.method(), scheme, host, request.target(), HttpVersion.HTTP_2, fields, -1);
        }
        generate(new HeadersFrame(streamId, metaData, null, !request.webSocket()));
        flushGenerated();
    }

    @Override
    public void writeTunnel(byte[] bytes, int offset, int length) throws IOException {
        if (!tunnelOpen) {
            throw new IllegalStateException("no open tunnel: the WebSocket exchange has not been answered with 200");
        }
        if (tunnelBacklogLength + length > tunnelBacklog.length) {
            tunnelBacklog = Arrays.copyOf(tunnelBacklog, Math.max(tunnelBacklogLength + length, Math.max(256, 2 * tunnelBacklog.length)));
        }
        System.arraycopy(bytes, offset, tunnelBacklog, tunnelBacklogLength, length);
        tunnelBacklogLength += length;
        flushTunnel();
    }

    /** Sends as much of the tunnel backlog as the windows allow, in DATA frames of at most the server's frame size. */
    private void flushTunnel() throws IOException {
        int sent = 0;
        while (sent < tunnelBacklogLength) {
            long window = Math.min(connectionSendWindowBytes, streamSendWindowBytes);
            int length = (int) Math.min(Math.min(window, serverMaxFrameBytes), tunnelBacklogLength - sent);
            if (length <= 0) {
                break;
            }
            byte[] frame = new byte[FRAME_HEAD_BYTES + length];
            writeFrameHead(frame, length, TYPE_DATA, 0, streamId);
            System.arraycopy(tunnelBacklog, sent, frame, FRAME_HEAD_BYTES, length);
            connection.write(frame);
            connectionSendWindowBytes -= length;
            streamSendWindowBytes -= length;
            sent += length;
        }
        if (sent > 0) {
            System.arraycopy(tunnelBacklog, sent, tunnelBacklog, 0, tunnelBacklogLength - sent);
            tunnelBacklogLength -= sent;
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
        if (frameStreamId == 0 || frameStreamId != streamId || !headReceived) {
            throw new ProtocolViolationException("DATA on stream " + frameStreamId + ", which is not open for a body"
                    + (streamId == 0 ? " (no exchange in progress)" : " (the exchange in progress is on stream " + streamId
                    + (headReceived ? ")" : ", still waiting for its HEADERS)")));
        }
        connectionReceiveWindowBytes -= framePayloadBytes;
        streamReceiveWindowBytes -= framePayloadBytes;
        if (connectionReceiveWindowBytes < 0 || streamReceiveWindowBytes < 0) {
            throw new ProtocolViolationException("the server overran the flow-control window: DATA of " + framePayloadBytes
                    + " bytes on stream " + frameStreamId + " with " + (connectionReceiveWindowBytes + framePayloadBytes)
                    + " bytes left on the connection and " + (streamReceiveWindowBytes + framePayloadBytes)
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
            exchange.onContent(bytes, at, n);
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
        connectionUncreditedBytes += framePayloadBytes;
        if (!endStream) {
            streamUncreditedBytes += framePayloadBytes;
        }
        creditConsumed();
        if (endStream) {
            complete();
        }
    }

    /** Gives consumed bytes back to the server once half a window was consumed, in one write. */
    private void creditConsumed() throws IOException {
        boolean any = false;
        if (connectionUncreditedBytes >= creditThresholdBytes) {
            generate(new WindowUpdateFrame(0, connectionUncreditedBytes));
            connectionReceiveWindowBytes += connectionUncreditedBytes;
            connectionUncreditedBytes = 0;
            any = true;
        }
        if (streamUncreditedBytes >= creditThresholdBytes) {
            generate(new WindowUpdateFrame(streamId, streamUncreditedBytes));
            streamReceiveWindowBytes += streamUncreditedBytes;
            streamUncreditedBytes = 0;
            any = true;
        }
        if (any) {
            flushGenerated();
        }
    }

    /** The exchange in progress ended: the stream is closed before the exchange hears it, so it may send the next request. */
    private void complete() throws IOException {
        Exchange done = exchange;
        streamId = 0;
        exchange = null;
        request = null;
        tunnelOpen = false;
        tunnelBacklogLength = 0;
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
            run(() -> {
                if (frame.getStreamId() == streamId && exchange != null) {
                    throw new StreamResetException("the server reset stream " + streamId + " (" + request.method() + " "
                            + request.target() + ") with " + errorName(frame.getError()));
                }
            });
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
                    if (streamId != 0) {
                        streamSendWindowBytes = checkedWindow(streamSendWindowBytes + delta, "stream " + streamId);
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
                    // ENABLE_PUSH and MAX_CONCURRENT_STREAMS do not bind a client sending one stream at a time
                }
            }
        }
        generate(new SettingsFrame(Map.of(), true));
        flushGenerated();
        serverSettingsSeen = true;
        if (requestDeferred) {
            sendHeaders();
        }
        if (tunnelBacklogLength > 0) {
            flushTunnel();
        }
    }

    private void headers(HeadersFrame frame) throws IOException {
        if (frame.getStreamId() != streamId || exchange == null) {
            throw new ProtocolViolationException("HEADERS on stream " + frame.getStreamId() + ", which is not open"
                    + (streamId == 0 ? " (no exchange in progress)" : " (the exchange in progress is on stream " + streamId + ")"));
        }
        if (headReceived) {
            if (!frame.isEndStream()) {
                throw new ProtocolViolationException("trailing HEADERS without END_STREAM on stream " + streamId);
            }
            complete(); // trailers are not read
            return;
        }
        if (!(frame.getMetaData() instanceof MetaData.Response response)) {
            throw new ProtocolViolationException("HEADERS on stream " + streamId + " are not a response (no :status)");
        }
        int status = response.getStatus();
        if (status == 101) {
            throw new ProtocolViolationException("a 101 on stream " + streamId + ": HTTP/2 has no upgrade (RFC 9113 §8.6)");
        }
        if (status >= 100 && status < 200) {
            if (frame.isEndStream()) {
                throw new ProtocolViolationException("an informational " + status + " response ended stream " + streamId);
            }
            return; // the final response follows
        }
        headReceived = true;
        tunnelOpen = request.webSocket() && status == 200;
        exchange.onHead(new Head(status, response.getHttpFields()));
        if (frame.isEndStream() && !connection.isClosed() && exchange != null) {
            complete();
        }
    }

    private void goAway(GoAwayFrame frame) throws IOException {
        goAway = frame;
        boolean covered = frame.getError() == ErrorCode.NO_ERROR.code && streamId != 0 && streamId <= frame.getLastStreamId();
        if (exchange != null && !covered) {
            throw new StreamResetException("the server sent GOAWAY (" + describe(frame) + ") while stream " + streamId + " ("
                    + request.method() + " " + request.target() + ") was in progress");
        }
    }

    private void windowUpdate(WindowUpdateFrame frame) throws IOException {
        int delta = frame.getWindowDelta();
        if (frame.getStreamId() == 0) {
            connectionSendWindowBytes = checkedWindow(connectionSendWindowBytes + delta, "the connection");
        } else if (frame.getStreamId() == streamId) {
            streamSendWindowBytes = checkedWindow(streamSendWindowBytes + delta, "stream " + streamId);
        } else {
            return; // a stream that already completed
        }
        if (tunnelBacklogLength > 0) {
            flushTunnel();
        }
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
        return exchange == null;
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

    /** An HTTP/2 response head: the {@code :status} and the header fields HPACK decoded. */
    private record Head(int status, HttpFields fields) implements ResponseHead {
        @Override
        public String header(String name) {
            return fields.get(name);
        }
    }
}
