package dev.pushbench.runner.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.core.FeedSpec;
import dev.pushbench.core.Protocol;
import dev.pushbench.core.ServerConfig;
import dev.pushbench.model.JsonFiles;
import dev.pushbench.model.control.ControlMessage;
import dev.pushbench.runner.run.ChildProcess.ChildException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A child JVM spoken to in control messages: what it answers, and where what it prints besides goes. */
class ChildProcessTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void aLineThatIsNotAMessageGoesToTheChildsLog(@TempDir Path dir) throws Exception {
        // 'pushbench clock' prints its System.nanoTime() as a bare number: text, not a control message
        Path log = dir.resolve("clock.log");
        try (ChildProcess child = ChildProcess.start("clock", List.of(), List.of("clock"), log)) {
            ChildException e = assertThrows(ChildException.class,
                    () -> child.await(ControlMessage.Listening.class, TIMEOUT, ignored -> { }));
            assertTrue(e.getMessage().matches("clock exited \\(exit code 0\\) before 'listening', its last words: \"-?[0-9]+\"; see clock.log"),
                    e.getMessage());
        }
        assertTrue(Files.readString(log).strip().matches("-?[0-9]+"), () -> "the log holds the printed number: " + log);
    }

    @Test
    void aServerAnswersTheRunnersQuestionsAndRefusesWhatItDoesNotKnow(@TempDir Path dir) throws Exception {
        Path serverJson = dir.resolve("server.json");
        JsonFiles.write(serverJson, ChildSpecs.ServeFile.of("jetty", ServerConfig.defaults(Protocol.HTTP_1_1),
                new FeedSpec(2, 20, 64, 64)));
        try (ChildProcess server = ChildProcess.start("server", List.of("-Xmx256m"),
                List.of("serve", "--config", serverJson.toString()), dir.resolve("server.log"))) {
            ControlMessage.Listening listening = server.await(ControlMessage.Listening.class, TIMEOUT, ignored -> { });
            assertTrue(listening.port() > 0, "listens on a port of its own: " + listening);
            assertEquals("jetty", listening.stack());
            assertNull(listening.certificatePem(), "no certificate in cleartext");

            ControlMessage.Stats memoryReading = server.ask(new ControlMessage.GetStats(true), ControlMessage.Stats.class, TIMEOUT);
            assertEquals(Boolean.TRUE, memoryReading.process().afterGc());
            assertNotNull(memoryReading.historyBytes(), "a GC'd reading measures the topics' history");
            ControlMessage.Stats quick = server.ask(new ControlMessage.GetStats(false), ControlMessage.Stats.class, TIMEOUT);
            assertNull(quick.historyBytes(), "other readings do not pay for it");
            assertEquals(0, quick.counters().activeSubscribers());

            ControlMessage.Error refused = server.ask(new ControlMessage.Ramp(), ControlMessage.Error.class, TIMEOUT);
            assertEquals("unknown command 'ramp', known: get-clock, get-stats, get-subscribe-rates, stop", refused.message());

            server.send(new ControlMessage.Stop());
            assertTrue(server.awaitExit(TIMEOUT), "stop ends the server");
        }
    }

    @Test
    void aServerThatRunsOutOfHeapSaysSoInTheReason(@TempDir Path dir) throws Exception {
        // 4 MiB events at 50/s into a history of 1024: the server's 64 MiB heap is full within a second
        Path serverJson = dir.resolve("server.json");
        JsonFiles.write(serverJson, ChildSpecs.ServeFile.of("jetty", ServerConfig.defaults(Protocol.HTTP_1_1),
                new FeedSpec(1, 50, 4 << 20, 1024)));
        Path log = dir.resolve("server.log");
        try (ChildProcess server = ChildProcess.start("server", List.of("-Xmx64m", "-XX:+ExitOnOutOfMemoryError"),
                List.of("serve", "--config", serverJson.toString()), log)) {
            server.await(ControlMessage.Listening.class, TIMEOUT, ignored -> { });
            ChildException e = assertThrows(ChildException.class,
                    () -> server.await(ControlMessage.Stats.class, TIMEOUT, ignored -> { }));
            assertTrue(e.getMessage().contains("OutOfMemoryError"), e.getMessage());
            assertTrue(e.getMessage().startsWith("server exited (exit code 3) before 'stats', its last words: "), e.getMessage());
        }
        assertTrue(Files.readString(log).contains("java.lang.OutOfMemoryError"), "the log keeps it too");
    }
}
