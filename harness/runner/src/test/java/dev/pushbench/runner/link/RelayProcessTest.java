package dev.pushbench.runner.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.model.JsonFiles;
import dev.pushbench.model.control.ControlMessage;
import dev.pushbench.relay.LinkShape;
import dev.pushbench.relay.RelayConfig;
import dev.pushbench.runner.proxy.ProxyProcess;
import dev.pushbench.runner.run.ChildProcess.ChildException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The relay as the runner starts it: a child JVM that listens, applies faults on command, is read from /proc and stops. */
class RelayProcessTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final List<String> JVM = List.of("-Xmx64m", "-XX:TieredStopAtLevel=1");

    @Test
    void aRelayChildListensCutsOnCommandIsReadAndStops(@TempDir Path dir) throws Exception {
        try (ServerSocket target = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Path relayJson = dir.resolve("relay.json");
            JsonFiles.write(relayJson, new RelayConfig("127.0.0.1", 0, "127.0.0.1", target.getLocalPort(),
                    new LinkShape(20_000_000L, 0, 0, 0, 0, 0, 1500), 7));
            RelayProcess relay = RelayProcess.start(JVM, relayJson, dir, TIMEOUT);
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), relay.port());
                 Socket accepted = target.accept()) {
                assertTrue(relay.isAlive());
                assertTrue(ProcessHandle.of(relay.pid()).isPresent(), "the pid it told is a live process");
                long start = System.nanoTime();
                client.getOutputStream().write(1);
                assertEquals(1, accepted.getInputStream().read());
                accepted.getOutputStream().write(2);
                assertEquals(2, client.getInputStream().read());
                assertTrue(System.nanoTime() - start >= 20_000_000L, "the child shapes: 20 ms round trip added");

                ControlMessage.FaultApplied applied = relay.apply(new ControlMessage.ApplyFault("cut", "reset", 1, 0));
                assertEquals(List.of(client.getLocalPort()), applied.clientPorts());
                assertEquals(1, applied.liveConnections());
                client.setSoTimeout(5_000);
                assertThrows(SocketException.class, () -> client.getInputStream().read(), "reset");

                ChildException refused = assertThrows(ChildException.class,
                        () -> relay.apply(new ControlMessage.ApplyFault("cut", "reset", 2, 0)));
                assertTrue(refused.getMessage().endsWith("apply-fault: share must be in (0, 1], got 2.0"), refused.getMessage());

                ProxyProcess.Reading reading = relay.read();
                assertTrue(reading.cpuNanos() > 0, "a JVM has spent CPU by now: " + reading);
                assertTrue(reading.rssBytes() > 10 << 20, "and holds memory: " + reading);
                assertEquals(1, reading.processes());
            } finally {
                relay.close();
            }
            assertFalse(relay.isAlive(), "stop ends it");
            assertEquals(0, relay.read().processes(), "gone from /proc");
        }
    }

    @Test
    void aBadRelayJsonNamesTheFileAndTheField(@TempDir Path dir) throws Exception {
        Path relayJson = dir.resolve("relay.json");
        Files.writeString(relayJson, "{\"listenHost\": \"127.0.0.1\", \"listenPort\": 0, \"targetHost\": \"127.0.0.1\","
                + " \"targetPort\": 9, \"seed\": 1, \"shape\": {\"rttNanos\": 0, \"mtu\": 20}}");
        ChildException e = assertThrows(ChildException.class, () -> RelayProcess.start(JVM, relayJson, dir, TIMEOUT));
        assertTrue(e.getMessage().startsWith("relay exited (exit code 2) before 'relay-listening'"), e.getMessage());
        assertTrue(e.getMessage().contains("pushbench: " + relayJson + ": shape: mtu must be between 68 and 65535 bytes, got 20"),
                e.getMessage());
    }
}
