package dev.pushbench.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.core.Protocol;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.Test;

/**
 * The Jetty engine binds its connections to its one source address, and reports the time inside the
 * connect call apart from the TCP connect after it.
 */
class JettySourceAddressTest {

    @Test
    void connectionsComeFromTheSourceAddressAndBothPartsAreTimed() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
             JettyClientEngine engine = new JettyClientEngine(Protocol.HTTP_1_1, null, Duration.ofSeconds(30),
                     InetAddress.getByName("127.0.0.2"))) {
            List<Long> callNanos = new CopyOnWriteArrayList<>();
            List<Long> tcpNanos = new CopyOnWriteArrayList<>();
            engine.onConnectCall(callNanos::add);
            engine.onTcpConnect(tcpNanos::add);
            server.setSoTimeout(10_000);
            Thread answer = new Thread(() -> {
                try (Socket s = server.accept()) {
                    byte[] body = s.getInetAddress().getHostAddress().getBytes(StandardCharsets.US_ASCII);
                    s.getInputStream().read(new byte[4096]);
                    OutputStream out = s.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                    out.flush();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            answer.start();
            ContentResponse response = engine.http().newRequest("http://127.0.0.1:" + server.getLocalPort() + "/")
                    .timeout(10, TimeUnit.SECONDS).send();
            answer.join(10_000);
            assertEquals("127.0.0.2", response.getContentAsString(), "the server saw the connection come from the source address");
            assertEquals(1, callNanos.size(), "the connect call timed");
            assertEquals(1, tcpNanos.size(), "the TCP connect after it timed");
            assertTrue(callNanos.get(0) >= 0 && tcpNanos.get(0) >= 0, callNanos + " " + tcpNanos);
        }
    }
}
