package dev.pushbench.runner.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A server for proxy tests on 127.0.0.1, port 0, one thread per connection, that records each request
 * line it reads. {@code GET /plain} answers {@code hello} with a length; {@code GET /stream} answers an
 * event stream: one event at once, a second after {@link #releaseStream()}, then closes. Every answer
 * closes its connection.
 */
final class TinyUpstream implements AutoCloseable {
    static final String PLAIN_BODY = "hello";
    static final String FIRST_EVENT = "data: first\n\n";
    static final String SECOND_EVENT = "data: second\n\n";

    private final ServerSocket listener;
    private final List<String> requestLines = new CopyOnWriteArrayList<>();
    private final CountDownLatch streamRelease = new CountDownLatch(1);
    private final Thread acceptor;

    TinyUpstream() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptLoop, "tiny-upstream-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** The request lines read so far, e.g. {@code GET /plain HTTP/1.0}. */
    List<String> requestLines() {
        return List.copyOf(requestLines);
    }

    void releaseStream() {
        streamRelease.countDown();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                Thread handler = new Thread(() -> handle(socket), "tiny-upstream-connection");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void handle(Socket socket) {
        try (socket) {
            String head = readHead(socket.getInputStream());
            String requestLine = head.lines().findFirst().orElse("");
            requestLines.add(requestLine);
            OutputStream out = socket.getOutputStream();
            if (requestLine.startsWith("GET /stream ")) {
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                        + "Connection: close\r\n\r\n" + FIRST_EVENT).getBytes(StandardCharsets.US_ASCII));
                out.flush();
                streamRelease.await(60, TimeUnit.SECONDS);
                out.write(SECOND_EVENT.getBytes(StandardCharsets.US_ASCII));
            } else {
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + PLAIN_BODY.length()
                        + "\r\nConnection: close\r\n\r\n" + PLAIN_BODY).getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
        } catch (IOException e) {
            // the proxy went away: nothing to answer
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The request's head up to the empty line. */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            head.write(b);
            String text = head.toString(StandardCharsets.US_ASCII);
            if (text.endsWith("\r\n\r\n")) {
                return text;
            }
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        streamRelease.countDown();
        listener.close();
    }
}
