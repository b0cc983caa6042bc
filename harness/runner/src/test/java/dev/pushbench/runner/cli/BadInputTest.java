package dev.pushbench.runner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pushbench.core.ProcessStats;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gets exit 2 and a message that says where and what, never a stack trace, and starts nothing. */
class BadInputTest {
    @TempDir
    Path dir;

    record Outcome(int exit, String err, String out) {
    }

    Outcome pushbench(String... args) {
        PrintStream oldErr = System.err;
        PrintStream oldOut = System.out;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            int exit = PushbenchCli.execute(args);
            return new Outcome(exit, err.toString(StandardCharsets.UTF_8), out.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(oldErr);
            System.setOut(oldOut);
        }
    }

    Path scenario(String... lines) throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, String.join("\n", lines) + "\n");
        return file;
    }

    @Test
    void aMisspeltKeyNamesFileLineColumnAndTheKeyMeant() throws Exception {
        Path file = scenario(
                "name: typo",
                "matrix: {stacks: [jetty]}",
                "clients: {connections: 10}",
                "feed:",
                "  rate: 10/s",
                "  paylod: 1KiB",
                "timing: {duration: 5s}");
        Path results = dir.resolve("results");
        Outcome o = pushbench("run", "--results", results.toString(), file.toString());
        assertEquals(2, o.exit(), o.err());
        assertTrue(o.err().contains(file + ":6:3"), o.err());
        assertTrue(o.err().contains("payload"), o.err());
        assertFalse(o.err().contains("\tat "), "no stack trace: " + o.err());
        assertFalse(Files.exists(results), "nothing was started");
    }

    @Test
    void estimateChecksTheFileToo() throws Exception {
        Path file = scenario("name: x", "clients: {connections: ten}");
        Outcome o = pushbench("estimate", file.toString());
        assertEquals(2, o.exit(), o.err());
        assertTrue(o.err().contains(file + ":2:"), o.err());
    }

    @Test
    void aMissingFileIsBadInput() {
        Outcome o = pushbench("run", dir.resolve("nope.yaml").toString());
        assertEquals(2, o.exit(), o.err());
        assertFalse(o.err().contains("\tat "), o.err());
    }

    @Test
    void moreConnectionsThanOpenFilesAllowFailsUpFrontNamingTheLimit() throws Exception {
        long limit = ProcessStats.maxOpenFiles();
        Path file = scenario(
                "name: many",
                "matrix: {stacks: [jetty], transports: [sse], protocols: [http1.1]}",
                "clients: {connections: " + (limit + 1) + "}",
                "feed: {rate: 1/s}",
                "timing: {duration: 5s}");
        Path results = dir.resolve("results");
        Outcome o = pushbench("run", "--results", results.toString(), file.toString());
        assertEquals(2, o.exit(), o.err());
        assertTrue(o.err().contains(Long.toString(limit)), "names the limit " + limit + ": " + o.err());
        assertFalse(Files.exists(results), "nothing was started");
    }

    @Test
    void verifyOverTlsNeedsTheCertificateToTrust() throws Exception {
        Outcome none = pushbench("verify", "--url", "https://127.0.0.1:1", "--protocol", "h2");
        assertEquals(2, none.exit(), none.err());
        assertTrue(none.err().contains("--protocol h2 needs --trust-pem FILE"), none.err());

        Path notPem = dir.resolve("key.txt");
        Files.writeString(notPem, "not a certificate\n");
        Outcome bad = pushbench("verify", "--url", "https://127.0.0.1:1", "--protocol", "https1.1", "--trust-pem", notPem.toString());
        assertEquals(2, bad.exit(), bad.err());
        assertTrue(bad.err().contains("not a PEM certificate"), bad.err());

        Outcome cleartext = pushbench("verify", "--url", "http://127.0.0.1:1", "--protocol", "h2c", "--trust-pem", notPem.toString());
        assertEquals(2, cleartext.exit(), cleartext.err());
        assertTrue(cleartext.err().contains("--trust-pem is for https1.1 and h2"), cleartext.err());
        assertFalse(cleartext.err().contains("\tat "), "no stack trace: " + cleartext.err());
    }

    @Test
    void anUnknownOptionIsBadInput() {
        Outcome o = pushbench("run", "--no-such-option", "x.yaml");
        assertEquals(2, o.exit(), o.err());
    }

    @Test
    void everySubcommandHasHelp() {
        Set<String> commands = new CommandLine(new PushbenchCli()).getSubcommands().keySet();
        assertTrue(commands.containsAll(List.of("run", "report", "compare", "estimate", "validate")), commands.toString());
        for (String cmd : commands) {
            if (cmd.equals("help")) {
                continue;
            }
            Outcome o = pushbench(cmd, "--help");
            assertEquals(0, o.exit(), cmd);
            assertTrue(o.out().contains("Usage: pushbench " + cmd), cmd + ": " + o.out());
        }
    }

    Path validScenario(String timing) throws Exception {
        return scenario("name: ok", "matrix: {stacks: [jetty], transports: [sse], protocols: [http1.1]}",
                "clients: {connections: 10}", "feed: {rate: 10/s}", "timing: " + timing);
    }

    @Test
    void anUnusableResultsDirectoryIsBadInputBeforeAnythingStarts() throws Exception {
        Path file = validScenario("{duration: 5s}");
        Path aFile = Files.writeString(dir.resolve("a-file"), "x");
        for (String results : new String[] {aFile.toString(), "", aFile.resolve("below").toString()}) {
            Outcome run = pushbench("run", "--results", results, file.toString());
            assertEquals(2, run.exit(), results + ": " + run.err());
            assertTrue(run.err().contains("--results"), run.err());
            assertEquals(1, run.err().strip().lines().count(), "one line: " + run.err());
            Outcome estimate = pushbench("estimate", "--results", results, file.toString());
            assertEquals(2, estimate.exit(), results + ": " + estimate.err());
            assertEquals("", estimate.out(), "refused before the estimate: " + estimate.out());
        }
    }

    @Test
    void aRunEstimatedAboveTwoHoursNeedsYes() throws Exception {
        Path file = validScenario("{duration: 24h, repeats: 20}");
        Outcome refused = pushbench("estimate", file.toString());
        assertEquals(2, refused.exit(), refused.err());
        assertTrue(refused.out().contains("~20d 0h"), refused.out());
        assertTrue(refused.err().contains("above 2h00m") && refused.err().contains("--yes"), refused.err());
        Outcome run = pushbench("run", "--results", dir.resolve("results").toString(), file.toString());
        assertEquals(2, run.exit(), run.err());
        assertFalse(Files.exists(dir.resolve("results")), "nothing was started");
        Outcome yes = pushbench("estimate", "--yes", file.toString());
        assertEquals(0, yes.exit(), yes.err());
    }

    @Test
    void estimatesReadInHoursAndDays() {
        assertEquals("45s", RunBounds.format(java.time.Duration.ofSeconds(45)));
        assertEquals("12m05s", RunBounds.format(java.time.Duration.ofSeconds(725)));
        assertEquals("10h00m", RunBounds.format(java.time.Duration.ofMinutes(600).plusSeconds(5)));
        assertEquals("600d 1h", RunBounds.format(java.time.Duration.ofHours(600 * 24 + 1)));
    }
    /** An agent's options and a cluster's run are checked before anything joins a cluster or listens. */
    @Test
    void badClusterOptionsExit2NamingTheValue() throws Exception {
        Outcome name = pushbench("agent", "--name", "Load_1", "--cluster", "127.0.0.1:5701");
        assertEquals(2, name.exit(), name.err());
        assertTrue(name.err().contains("--name 'Load_1'"), name.err());
        Outcome member = pushbench("agent", "--name", "load-1", "--cluster", "127.0.0.1:70000");
        assertEquals(2, member.exit(), member.err());
        assertTrue(member.err().contains("'127.0.0.1:70000' is not host:port"), member.err());
        // 192.0.2.1 (TEST-NET-1) is no address of this machine: nothing can listen there
        Outcome bind = pushbench("agent", "--name", "load-1", "--cluster", "127.0.0.1:5701", "--bind", "192.0.2.1",
                "--dir", dir.resolve("agent").toString());
        assertEquals(2, bind.exit(), bind.err());
        assertTrue(bind.err().contains("--bind 192.0.2.1") && bind.err().contains("this machine's"), bind.err());
        Path oneMachine = scenario("name: plain", "matrix: {stacks: [jetty]}", "clients: {connections: 10}",
                "feed: {rate: 10/s}", "timing: {duration: 5s}");
        Outcome noBlock = pushbench("run", "--results", dir.resolve("results").toString(), "--cluster", "127.0.0.1:5701",
                oneMachine.toString());
        assertEquals(2, noBlock.exit(), noBlock.err());
        assertTrue(noBlock.err().contains("--cluster needs a cluster block"), noBlock.err());
        for (Outcome o : List.of(name, member, bind, noBlock)) {
            assertFalse(o.err().contains("\tat "), "no stack trace: " + o.err());
        }
    }
}
