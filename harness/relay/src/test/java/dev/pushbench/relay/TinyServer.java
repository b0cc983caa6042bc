package dev.pushbench.relay;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A loopback server for the relay's tests that does nothing by itself: each connection it accepts is handed
 * to the test, which reads and writes it as the server.
 *
 * <pre>
 *   try (TinyServer server = new TinyServer()) {
 *       Socket accepted = server.next();
 *   }
 * </pre>
 */
final class TinyServer implements AutoCloseable {
    private final ServerSocket listener;
    private final BlockingQueue<Socket> accepted = new LinkedBlockingQueue<>();
    private final Thread acceptor;

    TinyServer() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            try {
                for (;;) {
                    Socket s = listener.accept();
                    s.setTcpNoDelay(true);
                    accepted.add(s);
                }
            } catch (IOException closed) {
                // the test is over
            }
        }, "tiny-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** The next connection the relay made, waiting up to 5 s. */
    Socket next() throws InterruptedException {
        Socket s = accepted.poll(5, TimeUnit.SECONDS);
        if (s == null) {
            throw new AssertionError("the relay did not connect to the server within 5 s");
        }
        return s;
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : accepted) {
            s.close();
        }
    }
}
