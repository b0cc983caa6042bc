package dev.pushbench.client.nio;

import dev.pushbench.client.StreamEnd;
import java.io.EOFException;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * A test-only connection driving an {@link HttpCodec} as the engine's streams do: the codec comes
 * from {@link NioEngine#newCodec} (or, with a window size, is an {@link Http2Codec} with that window)
 * once connected, {@link #onStarted} sends the first request, and the subclass hears the exchange.
 * {@link #ended} completes with the end's cause (null: a clean end of the stream), {@link #endedAs}
 * with how it ended.
 */
abstract class H2TestConnection extends NioConnection implements HttpCodec.Exchange {
    final CompletableFuture<Throwable> ended = new CompletableFuture<>();
    final CompletableFuture<StreamEnd> endedAs = new CompletableFuture<>();
    private final int receiveWindowBytes;
    HttpCodec codec;

    /** @param receiveWindowBytes 0: the engine's codec with its default window */
    H2TestConnection(NioEngine engine, int receiveWindowBytes) {
        super(engine);
        this.receiveWindowBytes = receiveWindowBytes;
    }

    /** The codec started: send the first request. */
    abstract void onStarted() throws IOException;

    @Override
    protected final void onConnected() throws IOException {
        codec = receiveWindowBytes == 0 ? engine().newCodec(this) : new Http2Codec(this, receiveWindowBytes);
        codec.start();
        onStarted();
    }

    @Override
    protected final void onRead(byte[] bytes, int offset, int length) throws IOException {
        codec.onRead(bytes, offset, length);
    }

    @Override
    protected final void onEndOfStream() throws IOException {
        if (!codec.onEndOfStream()) {
            throw new EOFException("the server closed the connection during an exchange");
        }
    }

    @Override
    protected final void onClosing() throws IOException {
        codec.onClosing();
    }

    @Override
    protected final void onEnd(StreamEnd end, Throwable cause) {
        endedAs.complete(end);
        ended.complete(cause);
    }

    /** Ends the connection as the codec's errors do; on the selector thread. */
    final void failWith(Throwable cause) {
        fail(cause);
    }

    @Override
    public void onContent(byte[] bytes, int offset, int length) throws IOException {
    }

    @Override
    public void onComplete() throws IOException {
    }
}
