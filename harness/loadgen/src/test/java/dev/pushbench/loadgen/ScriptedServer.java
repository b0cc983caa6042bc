package dev.pushbench.loadgen;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP server for the nio engine's tests, playing the pushbench server's part with real
 * bytes on a real socket (port 0, blocking I/O, one thread per connection), scripted so that a test
 * decides how the bytes are cut, when they stop and how the connection ends. Counts every byte it
 * reads and writes, to hold the client's socket counters against.
 *
 * <pre>
 *   try (ScriptedServer server = new ScriptedServer(exchange -&gt; {
 *       exchange.readRequestHead();
 *       exchange.write("HTTP/1.1 200 OK\r\n...");
 *   })) {
 *       int port = server.port();
 *   }
 * </pre>
 */
final class ScriptedServer implements AutoCloseable {

    /** What the server does with one accepted connection; returning (or throwing) closes it. */
    @FunctionalInterface
    interface Script {
        void serve(Exchange exchange) throws Exception;
    }

    private final ServerSocket listener;
    private final Script script;
    private final Thread acceptor;
    final List<String> requestHeads = new CopyOnWriteArrayList<>();
    final List<Throwable> scriptFailures = new CopyOnWriteArrayList<>();
    final AtomicLong bytesRead = new AtomicLong();
    final AtomicLong bytesWritten = new AtomicLong();
    final AtomicLong connectionsAccepted = new AtomicLong();
    final AtomicLong connectionsEnded = new AtomicLong();

    ScriptedServer(Script script) throws IOException {
        this.script = script;
        this.listener = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "scripted-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                connectionsAccepted.incrementAndGet();
                Thread t = new Thread(() -> serve(socket), "scripted-server-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            script.serve(new Exchange(socket));
        } catch (Exception e) {
            scriptFailures.add(e);
        } finally {
            connectionsEnded.incrementAndGet();
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }

    /** One connection, seen from the server. */
    final class Exchange {
        final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Exchange(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        /** Reads up to and including the empty line; records it. */
        String readRequestHead() throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new EOFException("the client closed before its request head ended: " + head.toString(StandardCharsets.ISO_8859_1));
                }
                bytesRead.incrementAndGet();
                head.write(b);
                matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            String text = head.toString(StandardCharsets.ISO_8859_1);
            requestHeads.add(text);
            return text;
        }

        /** The value of a request header field in {@code head}, or null. */
        String header(String head, String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }

        void write(String ascii) throws IOException {
            write(ascii.getBytes(StandardCharsets.ISO_8859_1));
        }

        void write(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
            bytesWritten.addAndGet(bytes.length);
        }

        byte[] readFully(int length) throws IOException {
            byte[] bytes = in.readNBytes(length);
            bytesRead.addAndGet(bytes.length);
            if (bytes.length < length) {
                throw new EOFException("the client closed after " + bytes.length + " of " + length + " bytes");
            }
            return bytes;
        }

        /** Reads until the client closes; returns what came. */
        byte[] readToEnd() throws IOException {
            byte[] rest = in.readAllBytes();
            bytesRead.addAndGet(rest.length);
            return rest;
        }
    }
}
