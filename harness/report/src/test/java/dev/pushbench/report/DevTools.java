package dev.pushbench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A headless Debian Chromium driven over the DevTools protocol, with nothing but the JDK's WebSocket
 * client and Jackson: enough to open a page, collect its console messages, exceptions, log entries and
 * network requests, and evaluate a script in it.
 *
 * <pre>
 *   try (DevTools browser = DevTools.launch(chromium, tempDir)) {
 *       String session = browser.open("file:///…/report.html");
 *       JsonNode value = browser.evaluate(session, "document.title");
 *       browser.events("Runtime.exceptionThrown");
 *   }
 * </pre>
 *
 * <p>Chromium listens on 127.0.0.1 at a port it picks ({@code --remote-debugging-port=0}) and says which
 * on stderr. Every wait is bounded by {@link #TIMEOUT}; {@link #close()} ends the browser process it
 * started, by its handle.
 */
final class DevTools implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final List<String> stderr;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();

    private DevTools(Process process, List<String> stderr, WebSocket socket, Listener listener) {
        this.process = process;
        this.stderr = stderr;
        this.socket = socket;
        listener.owner = this;
    }

    /** Finds Debian's chromium: {@code /usr/bin/chromium}, else {@code chromium} on the PATH; null if neither. */
    static Path findChromium() {
        Path debian = Path.of("/usr/bin/chromium");
        if (Files.isExecutable(debian)) {
            return debian;
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                Path candidate = Path.of(dir, "chromium");
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    static DevTools launch(Path chromium, Path userDataDir, String... extraArgs) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--no-default-browser-check", "--hide-scrollbars",
                "--user-data-dir=" + userDataDir, "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0"));
        command.addAll(List.of(extraArgs));
        command.add("about:blank");
        Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        List<String> stderr = new CopyOnWriteArrayList<>();
        CompletableFuture<String> endpoint = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    stderr.add(line);
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        endpoint.complete(m.group(1));
                    }
                }
            } catch (IOException e) {
                endpoint.completeExceptionally(e);
            }
            endpoint.completeExceptionally(new IOException("chromium closed stderr without a DevTools endpoint"));
        }, "chromium-stderr");
        reader.setDaemon(true);
        reader.start();
        try {
            String url = endpoint.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            Listener listener = new Listener();
            WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                    .connectTimeout(TIMEOUT)
                    .buildAsync(URI.create(url), listener)
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            return new DevTools(process, stderr, socket, listener);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IOException("chromium did not open its DevTools endpoint: " + e + "; stderr: " + stderr, e);
        }
    }

    /** Opens a new tab on about:blank, attaches to it, enables the domains whose events tests read. */
    String newPage() throws Exception {
        String targetId = send(null, "Target.createTarget", Map.of("url", "about:blank")).path("targetId").asText();
        String session = send(null, "Target.attachToTarget", Map.of("targetId", targetId, "flatten", true))
                .path("sessionId").asText();
        for (String domain : List.of("Runtime", "Log", "Network", "Page")) {
            send(session, domain + ".enable", Map.of());
        }
        return session;
    }

    /** Navigates and waits for the load event. */
    void navigate(String session, String url) throws Exception {
        int loadsBefore = events("Page.loadEventFired", session).size();
        JsonNode result = send(session, "Page.navigate", Map.of("url", url));
        if (result.hasNonNull("errorText")) {
            throw new IOException("navigation to " + url + " failed: " + result.get("errorText").asText());
        }
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        synchronized (events) {
            while (events("Page.loadEventFired", session).size() == loadsBefore) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IOException("no load event for " + url + " within " + TIMEOUT);
                }
                events.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    /** Evaluates {@code expression} (awaiting a promise) and returns its JSON value. */
    JsonNode evaluate(String session, String expression) throws Exception {
        JsonNode result = send(session, "Runtime.evaluate", Map.of("expression", expression, "awaitPromise", true,
                "returnByValue", true));
        if (result.has("exceptionDetails")) {
            throw new IOException("the script threw: " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    /** Every event named {@code method} received so far for {@code session}. */
    List<JsonNode> events(String method, String session) {
        return events.stream()
                .filter(e -> method.equals(e.path("method").asText()) && session.equals(e.path("sessionId").asText()))
                .toList();
    }

    List<String> stderr() {
        return stderr;
    }

    JsonNode send(String session, String method, Map<String, Object> params) throws Exception {
        int id = ids.incrementAndGet();
        ObjectNode message = JSON.createObjectNode();
        message.put("id", id);
        message.put("method", method);
        message.set("params", JSON.valueToTree(params));
        if (session != null) {
            message.put("sessionId", session);
        }
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        socket.sendText(JSON.writeValueAsString(message), true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        JsonNode reply = answer.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (reply.has("error")) {
            throw new IOException(method + " failed: " + reply.get("error"));
        }
        return reply.path("result");
    }

    private void received(String text) {
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (IOException e) {
            return;
        }
        if (message.has("id")) {
            CompletableFuture<JsonNode> answer = pending.remove(message.get("id").asInt());
            if (answer != null) {
                answer.complete(message);
            }
            return;
        }
        synchronized (events) {
            events.add(message);
            events.notifyAll();
        }
    }

    @Override
    public void close() throws InterruptedException {
        try {
            send(null, "Browser.close", Map.of());
        } catch (Exception e) {
            // the process is ended below either way
        }
        socket.abort();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Joins a message's fragments and hands whole messages to the owner. */
    private static final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();
        private volatile DevTools owner;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                if (owner != null) {
                    owner.received(text);
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
