package dev.pushbench.runner.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reads outputs that wrk 4.1 and h2load (nghttp2 1.52) printed here, kept as fixtures. */
class ExternalLoadToolTest {

    private static String fixture(String name) throws IOException {
        try (InputStream in = ExternalLoadToolTest.class.getResourceAsStream("/tool-output/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void readsWrkRequestsSecondsAndCpu() throws IOException {
        ExternalLoadTool.Measured m = ExternalLoadTool.WRK.parse(fixture("wrk.txt"), 0);
        assertEquals(7502, m.requests());
        assertEquals(2.04, m.seconds(), 1e-9);
        assertEquals(0.070 + 0.153, m.cpuSeconds(), 1e-9);
        assertEquals(0, m.failed());
        assertEquals(7502 / 2.04, m.requestsPerSecond(), 1e-6);
        assertEquals((0.070 + 0.153) * 1e6 / 7502, m.cpuMicrosPerRequest(), 1e-9);
    }

    @Test
    void readsH2loadSucceededRequestsAndDuration() throws IOException {
        ExternalLoadTool.Measured m = ExternalLoadTool.H2LOAD.parse(fixture("h2load.txt"), 0);
        assertEquals(33319, m.requests());
        assertEquals(5.02, m.seconds(), 1e-9);
        assertEquals(0.338 + 0.472, m.cpuSeconds(), 1e-9);
        assertEquals(0, m.failed());
    }

    @Test
    void countsWrkErrors() throws IOException {
        String output = fixture("wrk.txt").replace("Requests/sec:", "  Socket errors: connect 0, read 3, write 0, timeout 2\n"
                + "  Non-2xx or 3xx responses: 4\nRequests/sec:");
        assertEquals(9, ExternalLoadTool.WRK.parse(output, 0).failed());
    }

    @Test
    void aFailedRunSaysWhatTheToolPrinted() {
        IOException e = assertThrows(IOException.class,
                () -> ExternalLoadTool.WRK.parse("unable to connect to 127.0.0.1:1 Connection refused\npushbench-cpu 0.00 0.00\n", 1));
        assertTrue(e.getMessage().contains("wrk failed (exit 1): unable to connect"), e.getMessage());
    }

    @Test
    void argumentsAreClosedLoopWithOneRequestInFlightPerConnection() {
        assertEquals(List.of("wrk", "-t2", "-c50", "-d10s", "http://h/p"),
                ExternalLoadTool.WRK.arguments("http://h/p", 50, 2, Duration.ofSeconds(10)));
        assertEquals(List.of("h2load", "-t2", "-c50", "-m1", "-D10", "http://h/p"),
                ExternalLoadTool.H2LOAD.arguments("http://h/p", 50, 2, Duration.ofSeconds(10)));
    }
}
