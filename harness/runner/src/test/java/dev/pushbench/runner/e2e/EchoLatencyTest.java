package dev.pushbench.runner.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.core.EventFeed;
import dev.pushbench.core.FeedSpec;
import dev.pushbench.core.Protocol;
import dev.pushbench.core.PushContext;
import dev.pushbench.core.PushServer;
import dev.pushbench.core.Schedule;
import dev.pushbench.core.ServerConfig;
import dev.pushbench.core.ServerStack;
import dev.pushbench.core.Transport;
import dev.pushbench.loadgen.ClientEngineKind;
import dev.pushbench.loadgen.LoadGenerator;
import dev.pushbench.loadgen.LoadSpec;
import dev.pushbench.loadgen.PublishSpec;
import dev.pushbench.loadgen.ReconnectPolicy;
import dev.pushbench.model.result.CellResult;
import dev.pushbench.model.result.LoadResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The load generator's echo latency (a publisher's send → its own copy arriving on its SSE stream) against an
 * independent client's, measured at the same time on the same server: raw sockets, one holding {@code GET /sse/t1}
 * and one posting to {@code /publish/t1} at the room's rate, three more reading t1 so that the room is as large as
 * the load generator's, and nothing of pushbench's client code. The load generator
 * uses room {@code t0}, the raw client room {@code t1}, so neither sees the other's messages. The medians of the echoes
 * of messages due in the load generator's windows, over three rounds of fresh connections pooled (in one round two
 * clients differ by up to a few hundred µs, either way, with how their threads and connections landed), must agree
 * within 20 % or 0.2 ms (the bound), and the load generator's figures must be whole: every message acked and
 * delivered to every member of the room once.
 */
class EchoLatencyTest {
    private static final int MEMBERS = 4;
    private static final double RATE = 25; // per member: the room carries 100/s, and so does the raw client
    private static final int RAW_FROM = 999_999;
    /** Rounds, each with fresh connections: two clients differ by a few hundred µs in one round, either way. */
    private static final int ROUNDS = 3;

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "vertx"})
    void echoAgreesWithARawSocketClient(String stack, @TempDir Path tmp) throws Exception {
        ServerStack serverStack = ServerStack.named(stack);
        try (EventFeed feed = new EventFeed(new FeedSpec(2, 0, 0, 1024))) {
            PushContext context = new PushContext(feed, ServerConfig.defaults(Protocol.HTTP_1_1));
            PushServer server = serverStack.start(context);
            try {
                long t0 = System.nanoTime();
                feed.start(t0);
                Histogram ours = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
                List<Double> rawEchoes = new ArrayList<>();
                for (int round = 1; round <= ROUNDS; round++) {
                    LoadSpec spec = new LoadSpec("127.0.0.1", server.port(), Protocol.HTTP_1_1, Transport.SSE, MEMBERS, 100, 0,
                            new Schedule(t0, 1, 0), Duration.ofSeconds(2), Duration.ofSeconds(6), Duration.ofSeconds(2),
                            Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofMillis(200),
                            tmp.resolve("latency-" + round + ".hlog"), null, ClientEngineKind.NIO, List.of(), Duration.ZERO,
                            false, ReconnectPolicy.DEFAULT, null, new PublishSpec(RATE, 256, 1.0, PublishSpec.Target.OWN));
                    RawClient raw = new RawClient(server.port());
                    Thread rawRun = new Thread(() -> raw.run(TimeUnit.SECONDS.toNanos(9)), "raw-echo-client");
                    rawRun.start();
                    LoadResult result = new LoadGenerator(spec, message -> { }).run();
                    rawRun.join(TimeUnit.SECONDS.toMillis(30));

                    CellResult.Upstream up = result.upstream();
                    assertTrue(up.published() >= 500, () -> "published in 6 s at 100/s: " + up);
                    assertEquals(up.published(), up.acked(), () -> "every message acked: " + up);
                    assertEquals(0, up.failed());
                    assertEquals(up.published() * MEMBERS, result.delivery().expected(), () -> "fan-out to the room: "
                            + result.delivery());
                    assertEquals(result.delivery().expected(), result.delivery().delivered());
                    assertEquals(0, result.delivery().duplicated());
                    assertEquals(up.published(), up.echoMicros().count(), "one echo per message");
                    assertEquals(2.0, up.connectionsPerClient(), "SSE + POST over HTTP/1.1: two connections each");
                    Histogram roundEchoes = echoes(tmp.resolve("latency-" + round + ".hlog"));
                    assertEquals(up.echoMicros().count(), roundEchoes.getTotalCount(), "the log holds the round's echoes");
                    ours.add(roundEchoes);
                    double[] round_ = raw.echoMicros(result.window().startNanos(), result.window().endNanos());
                    assertTrue(round_.length >= 500, () -> "raw client's echoes in the window: " + round_.length + "; "
                            + raw.failure);
                    for (double e : round_) {
                        rawEchoes.add(e);
                    }
                    System.out.printf("%s round %d: echo p50 %.1f µs, raw client %.1f µs%n", stack, round,
                            up.echoMicros().p50(), round_[round_.length / 2]);
                }
                rawEchoes.sort(null);
                double rawMedian = rawEchoes.get(rawEchoes.size() / 2);
                double oursMedian = ours.getValueAtPercentile(50) / 1000.0;
                double bound = Math.max(200, 0.2 * rawMedian);
                System.out.printf("%s, %d rounds pooled: echo p50 %.1f µs (%d), raw client %.1f µs (%d)%n", stack, ROUNDS,
                        oursMedian, ours.getTotalCount(), rawMedian, rawEchoes.size());
                assertTrue(Math.abs(oursMedian - rawMedian) <= bound, () -> "echo p50 " + oursMedian
                        + " µs against the raw client's " + rawMedian + " µs (bound " + bound + " µs)");
            } finally {
                server.close();
                context.close();
            }
        }
    }

    /** Every interval tagged {@code echo} in a load generator's log, added up. */
    private static Histogram echoes(Path hlog) throws IOException {
        Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        HistogramLogReader reader = new HistogramLogReader(hlog.toFile());
        EncodableHistogram h;
        while ((h = reader.nextIntervalHistogram()) != null) {
            if ("echo".equals(h.getTag())) {
                all.add((Histogram) h);
            }
        }
        return all;
    }

    /** Posts to room t1 on a fixed schedule over one keep-alive socket, and reads its copies on another. */
    private static final class RawClient {
        private final int port;
        private final ConcurrentHashMap<Long, Long> sent = new ConcurrentHashMap<>();
        private final ConcurrentHashMap<Long, Long> echoed = new ConcurrentHashMap<>();
        volatile Throwable failure;

        RawClient(int port) {
            this.port = port;
        }

        void run(long forNanos) {
            Socket[] others = new Socket[MEMBERS - 1];
            try (Socket stream = connect(); Socket posts = connect()) {
                subscribe(stream);
                Thread reader = new Thread(() -> read(stream), "raw-echo-reader");
                reader.setDaemon(true);
                reader.start();
                // the rest of the room, so that the server fans each message out as often as in the load generator's
                for (int i = 0; i < others.length; i++) {
                    Socket other = connect();
                    others[i] = other;
                    subscribe(other);
                    Thread drain = new Thread(() -> discard(other), "raw-room-member");
                    drain.setDaemon(true);
                    drain.start();
                }
                TimeUnit.MILLISECONDS.sleep(500);
                InputStream answers = posts.getInputStream();
                OutputStream postOut = posts.getOutputStream();
                long period = (long) (1e9 / (RATE * MEMBERS));
                long start = System.nanoTime();
                for (long n = 0; ; n++) {
                    long due = start + n * period;
                    if (due - start > forNanos) {
                        break;
                    }
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    byte[] body = ("{\"from\":" + RAW_FROM + ",\"n\":" + n + ",\"sent\":" + due + ",\"data\":\""
                            + "x".repeat(256) + "\"}").getBytes(StandardCharsets.US_ASCII);
                    sent.put(n, due);
                    byte[] head = ("POST /publish/t1 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                    byte[] request = Arrays.copyOf(head, head.length + body.length);
                    System.arraycopy(body, 0, request, head.length, body.length);
                    postOut.write(request); // one write, one segment: as the load generator sends it
                    postOut.flush();
                    readAnswer(answers);
                }
                TimeUnit.MILLISECONDS.sleep(500);
            } catch (Throwable e) {
                failure = e;
            } finally {
                for (Socket other : others) {
                    if (other != null) {
                        try {
                            other.close();
                        } catch (IOException e) {
                            // closing at the end
                        }
                    }
                }
            }
        }

        private static void subscribe(Socket stream) throws IOException {
            OutputStream out = stream.getOutputStream();
            out.write(("GET /sse/t1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        private static void discard(Socket stream) {
            byte[] buffer = new byte[64 * 1024];
            try {
                InputStream in = stream.getInputStream();
                while (in.read(buffer) >= 0) {
                    // a member of the room that only reads
                }
            } catch (IOException e) {
                // closed at the end
            }
        }

        private Socket connect() throws IOException {
            Socket s = new Socket();
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(10_000);
            return s;
        }

        /** Reads one answer: its head, then Content-Length bytes (the server answers a publish with a length). */
        private static void readAnswer(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("the server closed the POST connection");
                }
                head.append((char) b);
            }
            if (!head.toString().startsWith("HTTP/1.1 200")) {
                throw new IOException("publish answered " + head);
            }
            String lower = head.toString().toLowerCase();
            int at = lower.indexOf("content-length:");
            if (at < 0) {
                throw new IOException("publish answer without Content-Length: " + head);
            }
            int length = Integer.parseInt(lower.substring(at + 15, lower.indexOf("\r\n", at)).trim());
            in.readNBytes(length);
        }

        /** Finds each {@code "from":RAW_FROM,"n":k} in the stream's bytes, timed when the read returned. */
        private void read(Socket stream) {
            byte[] marker = ("\"from\":" + RAW_FROM + ",\"n\":").getBytes(StandardCharsets.US_ASCII);
            StringBuilder pending = new StringBuilder();
            byte[] buffer = new byte[64 * 1024];
            try {
                InputStream in = stream.getInputStream();
                for (;;) {
                    int read = in.read(buffer);
                    long now = System.nanoTime();
                    if (read < 0) {
                        return;
                    }
                    pending.append(new String(buffer, 0, read, StandardCharsets.US_ASCII));
                    String markerText = new String(marker, StandardCharsets.US_ASCII);
                    int at;
                    while ((at = pending.indexOf(markerText)) >= 0) {
                        int from = at + marker.length;
                        int to = from;
                        while (to < pending.length() && Character.isDigit(pending.charAt(to))) {
                            to++;
                        }
                        if (to == pending.length()) {
                            break; // the number goes on in the next read
                        }
                        long n = Long.parseLong(pending.substring(from, to));
                        echoed.putIfAbsent(n, now);
                        pending.delete(0, to);
                    }
                    if (pending.length() > 1 << 20) {
                        pending.delete(0, pending.length() - 4096);
                    }
                }
            } catch (IOException e) {
                // closed at the end
            }
        }

        /** The echoes of the messages due in {@code [fromNanos, toNanos)}, sorted: one per message that came back. */
        double[] echoMicros(long fromNanos, long toNanos) {
            return sent.entrySet().stream().filter(e -> echoed.containsKey(e.getKey()))
                    .filter(e -> e.getValue() >= fromNanos && e.getValue() < toNanos)
                    .mapToDouble(e -> (echoed.get(e.getKey()) - e.getValue()) / 1000.0).sorted().toArray();
        }
    }
}
