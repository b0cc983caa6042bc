package dev.pushbench.runner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.core.FeedSpec;
import dev.pushbench.core.Protocol;
import dev.pushbench.core.Schedule;
import dev.pushbench.core.ServerConfig;
import dev.pushbench.model.JsonFiles;
import dev.pushbench.model.control.ControlMessage;
import dev.pushbench.runner.run.ChildProcess;
import dev.pushbench.runner.run.ChildSpecs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pushbench serve} stopped and started again as the runner's restart fault does: the second process binds
 * the first one's port, reports the first one's t0, and its feed goes on with that schedule without what fell
 * due in between; both answer {@code get-subscribe-rates} from that t0.
 */
@Timeout(120)
class ServeRestartTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final FeedSpec FEED = new FeedSpec(1, 20, 16, 1024);
    private static final Pattern CURSOR = Pattern.compile("\"cursor\":(\\d+)");
    private static final Pattern LOST = Pattern.compile("\"lost\":(\\d+)");
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void aRestartedServerKeepsThePortAndT0AndLosesWhatFellDueWhileNoneRan(@TempDir Path dir) throws Exception {
        ServerConfig config = ServerConfig.defaults(Protocol.HTTP_1_1);
        ChildSpecs.ServeFile first = ChildSpecs.ServeFile.of("jetty", config, FEED);
        assertNull(JsonFiles.parse(JsonFiles.pretty(first), ChildSpecs.ServeFile.class).t0Nanos(), "absent: the server's start");
        Path firstJson = dir.resolve("server.json");
        JsonFiles.write(firstJson, first);

        int port;
        long t0;
        long lastSeen;
        try (ChildProcess server = ChildProcess.start("server", List.of("-Xmx128m"),
                List.of("serve", "--config", firstJson.toString()), dir.resolve("server.log"))) {
            ControlMessage.Listening listening = server.await(ControlMessage.Listening.class, TIMEOUT, ignored -> { });
            port = listening.port();
            t0 = listening.t0Nanos();
            Thread.sleep(300);
            lastSeen = number(CURSOR, poll(port, 0));
            assertTrue(lastSeen > 0, "the first server published: " + lastSeen);
            ControlMessage.SubscribeRates rates = server.ask(new ControlMessage.GetSubscribeRates(),
                    ControlMessage.SubscribeRates.class, TIMEOUT);
            assertEquals(t0, rates.t0Nanos());
            assertEquals(1, rates.perSecond().stream().mapToLong(Long::longValue).sum(), "one poll: " + rates.perSecond());
            server.send(new ControlMessage.Stop());
            assertTrue(server.awaitExit(TIMEOUT), "stop ends the server");
        }

        ChildSpecs.ServeFile second = ChildSpecs.ServeFile.of("jetty", config.withPort(port), FEED).withT0(t0);
        assertEquals(t0, JsonFiles.parse(JsonFiles.pretty(second), ChildSpecs.ServeFile.class).t0Nanos());
        Path secondJson = dir.resolve("server-restarted.json");
        JsonFiles.write(secondJson, second);
        long restartNanos = System.nanoTime();
        try (ChildProcess server = ChildProcess.start("server", List.of("-Xmx128m"),
                List.of("serve", "--config", secondJson.toString()), dir.resolve("server-restarted.log"))) {
            ControlMessage.Listening listening = server.await(ControlMessage.Listening.class, TIMEOUT, ignored -> { });
            assertEquals(port, listening.port(), "the same port");
            assertEquals(t0, listening.t0Nanos(), "the first server's t0");

            String answer = poll(port, lastSeen);
            long firstAfterRestart = new Schedule(t0, 1, FEED.ratePerSecond()).firstSeqAtOrAfter(0, restartNanos);
            long lost = number(LOST, answer);
            assertTrue(lost >= firstAfterRestart - 1 - lastSeen, "at least what fell due before the restart began is lost: "
                    + lost + " after " + lastSeen + "; " + answer);
            assertTrue(answer.contains("\"seq\":" + (lastSeen + lost + 1) + ","), "then what the new server published: " + answer);

            ControlMessage.SubscribeRates rates = server.ask(new ControlMessage.GetSubscribeRates(),
                    ControlMessage.SubscribeRates.class, TIMEOUT);
            assertEquals(t0, rates.t0Nanos(), "seconds count from the first server's t0");
            long restartSecond = (restartNanos - t0) / TimeUnit.SECONDS.toNanos(1);
            assertEquals(1, rates.perSecond().stream().skip(restartSecond).mapToLong(Long::longValue).sum(),
                    "one poll, after the restart: " + rates.perSecond());
            server.send(new ControlMessage.Stop());
            assertTrue(server.awaitExit(TIMEOUT), "stop ends the server");
        }
    }

    private String poll(int port, long since) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/poll/t0?since=" + since)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    private static long number(Pattern pattern, String body) {
        Matcher m = pattern.matcher(body);
        assertTrue(m.find(), () -> pattern + " in " + body);
        return Long.parseLong(m.group(1));
    }
}
