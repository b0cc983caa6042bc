package dev.pushbench.model.control;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A {@link ControlChannel} over two byte streams, one message per line: a child's standard output
 * and input seen from the runner, or the runner's seen from the child. A line that is not a control
 * message (a JVM warning, a library's print) goes to {@code text}, so nothing a process says is
 * dropped.
 *
 * <pre>
 *   LineChannel channel = new LineChannel("server", process.getInputStream(), process.getOutputStream(), log::println);
 * </pre>
 *
 * <p>A daemon thread reads the input as it comes; {@link #send} may be called from any thread.
 */
public final class LineChannel implements ControlChannel {
    private static final ControlMessage END = new ControlMessage.Error("\u0000end of input");

    private final String peer;
    private final Writer out;
    private final BlockingQueue<ControlMessage> received = new LinkedBlockingQueue<>();

    /**
     * @param peer what is at the other end, for messages ({@code server}, {@code load generator}, {@code runner})
     * @param text where lines that are not control messages go; called on the reading thread
     */
    public LineChannel(String peer, InputStream in, OutputStream out, Consumer<String> text) {
        this.peer = peer;
        this.out = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> read(in, text), "pushbench-" + peer.replace(' ', '-') + "-in");
        reader.setDaemon(true);
        reader.start();
    }

    private void read(InputStream in, Consumer<String> text) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (ControlCodec.looksLikeMessage(line)) {
                    try {
                        received.add(ControlCodec.decode(line));
                        continue;
                    } catch (IllegalArgumentException notOurs) {
                        // kept as text below
                    }
                }
                text.accept(line);
            }
        } catch (IOException ignored) {
            // the other side is gone
        } finally {
            received.add(END);
        }
    }

    @Override
    public synchronized void send(ControlMessage message) throws IOException {
        out.write(ControlCodec.encode(message));
        out.write('\n');
        out.flush();
    }

    @Override
    public ControlMessage receive(Duration timeout) throws InterruptedException, ChannelClosedException {
        ControlMessage m = received.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (m == END) {
            received.add(END);
            throw new ChannelClosedException(peer + " closed the channel");
        }
        return m;
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
