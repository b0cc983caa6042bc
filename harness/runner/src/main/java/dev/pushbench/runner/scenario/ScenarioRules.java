package dev.pushbench.runner.scenario;

import dev.pushbench.core.FeedSpec;
import dev.pushbench.core.Transport;
import dev.pushbench.loadgen.PublishSpec;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The checks that involve keys of more than one section. {@link Scenario} runs them on
 * construction; {@link ScenarioLoader} runs them first, to point at the offending line.
 */
final class ScenarioRules {

    /**
     * A broken rule. {@code key} is the key to change; {@code involved} are the other keys the rule
     * reads, in the order an error should point at them when {@code key} was not written.
     */
    record Violation(String key, List<String> involved, String problem, String got, String allowed, String suggestion) {

        String message() {
            return problem + ", got " + got + "; allowed: " + allowed
                    + (suggestion == null ? "" : "; did you mean '" + suggestion + "'?");
        }
    }

    private ScenarioRules() {
    }

    /** A one-way scenario's rules: nobody publishes. */
    static Optional<Violation> check(Matrix matrix, FeedSpec feed, Timing timing, TransportOptions transports, ServerOptions server) {
        return check(matrix, feed, timing, transports, server, null, 1);
    }

    /**
     * @param publish     what the subscribers publish, null for none
     * @param connections the subscribers, of whom {@link PublishSpec#publishers} publish
     */
    static Optional<Violation> check(Matrix matrix, FeedSpec feed, Timing timing, TransportOptions transports, ServerOptions server,
                                     PublishSpec publish, int connections) {
        if (feed.ratePerSecond() == 0 && publish == null) {
            return Optional.of(new Violation("feed.rate", List.of(),
                    "feed.rate is 0/s and the scenario has no publish block: nobody would send a message",
                    ScenarioUnits.formatRate(feed.ratePerSecond()),
                    "above 0/s, or 0/s with a publish block (subscribers publish, the server's feed is silent)", "10/s"));
        }
        if (publish != null) {
            Optional<Violation> two = checkPublish(feed, timing, server, publish);
            if (two.isPresent()) {
                return two;
            }
        }
        if (feed.totalRatePerSecond() > ScenarioDefaults.MAX_TOTAL_RATE_PER_SECOND) {
            return Optional.of(new Violation("feed.rate", List.of("feed.topics"),
                    "feed.topics × feed.rate must be at most " + ScenarioUnits.formatRate(ScenarioDefaults.MAX_TOTAL_RATE_PER_SECOND)
                            + " (one thread publishes every topic)",
                    feed.topics() + " × " + ScenarioUnits.formatRate(feed.ratePerSecond()) + " = "
                            + ScenarioUnits.formatRate(feed.totalRatePerSecond()),
                    "a rate of at most " + ScenarioUnits.formatRate(Math.floor(ScenarioDefaults.MAX_TOTAL_RATE_PER_SECOND / feed.topics() * 1000) / 1000)
                            + " per topic with " + feed.topics() + " topics", null));
        }
        double eventsPerTopic = feed.ratePerSecond() * seconds(timing.duration());
        if (feed.ratePerSecond() > 0 && eventsPerTopic < 1) {
            return Optional.of(new Violation("feed.rate", List.of("timing.duration"),
                    "feed.rate publishes less than one event per topic during timing.duration ("
                            + ScenarioUnits.formatDuration(timing.duration()) + "), so nothing would be measured",
                    ScenarioUnits.formatRate(feed.ratePerSecond()),
                    "at least " + ScenarioUnits.formatRate(Math.ceil(1000 / seconds(timing.duration())) / 1000) + ", or a longer timing.duration", null));
        }
        if (!matrix.has(Transport.SHORT_POLLING)) {
            return Optional.empty();
        }
        Duration interval = transports.shortPollInterval();
        if (interval.compareTo(timing.duration()) >= 0) {
            return Optional.of(new Violation("short-polling.interval", List.of("timing.duration"),
                    "short-polling.interval must be shorter than timing.duration (" + ScenarioUnits.formatDuration(timing.duration())
                            + ") when short-polling is in the matrix, or a client polls once or never while measured",
                    ScenarioUnits.formatDuration(interval), "a duration above 0s and below " + ScenarioUnits.formatDuration(timing.duration()), null));
        }
        if (timing.drain().compareTo(interval) < 0) {
            return Optional.of(new Violation("timing.drain", List.of("short-polling.interval"),
                    "timing.drain must be at least short-polling.interval (" + ScenarioUnits.formatDuration(interval)
                            + ") when short-polling is in the matrix, or the last measured events are never polled",
                    ScenarioUnits.formatDuration(timing.drain()), "a duration of at least " + ScenarioUnits.formatDuration(interval),
                    ScenarioUnits.formatDuration(interval)));
        }
        double topicRate = feed.ratePerSecond() + publishedPerTopic(publish, connections, feed.topics());
        long eventsPerPoll = (long) Math.ceil(topicRate * seconds(interval));
        String perPoll = (publish == null ? "feed.rate" : "(feed.rate + the messages published to a topic)")
                + " × short-polling.interval = " + ScenarioUnits.formatRate(topicRate) + " × "
                + ScenarioUnits.formatDuration(interval) + " = " + eventsPerPoll + " events";
        if (eventsPerPoll > feed.historyEvents()) {
            long enough = Long.highestOneBit(eventsPerPoll - 1) << 1;
            return Optional.of(new Violation("feed.history", List.of("short-polling.interval", "feed.rate"),
                    "feed.history must hold the events of one short-poll interval (" + perPoll
                            + "), or every short poll loses events",
                    String.valueOf(feed.historyEvents()),
                    "a power of two of at least " + eventsPerPoll + ", or a shorter short-polling.interval",
                    enough <= ScenarioDefaults.MAX_HISTORY_EVENTS ? String.valueOf(enough) : null));
        }
        if (eventsPerPoll > server.maxBatchEvents()) {
            return Optional.of(new Violation("server.maxBatchEvents", List.of("short-polling.interval", "feed.rate"),
                    "server.maxBatchEvents must hold the events of one short-poll interval (" + perPoll
                            + "), or a client polling on a fixed schedule falls further behind with every poll",
                    String.valueOf(server.maxBatchEvents()),
                    "at least " + eventsPerPoll + " and at most " + ScenarioDefaults.MAX_MAX_BATCH_EVENTS
                            + ", or a shorter short-polling.interval", null));
        }
        return Optional.empty();
    }

    /**
     * The publish block against the window and the server: every publisher sends at least one message while
     * measured, and a message with its JSON fits in {@code server.maxPublishBytes}.
     */
    private static Optional<Violation> checkPublish(FeedSpec feed, Timing timing, ServerOptions server, PublishSpec publish) {
        if (publish.ratePerSecond() * seconds(timing.duration()) < 1) {
            return Optional.of(new Violation("publish.rate", List.of("timing.duration"),
                    "publish.rate sends less than one message per publisher during timing.duration ("
                            + ScenarioUnits.formatDuration(timing.duration()) + "), so nothing would be measured",
                    ScenarioUnits.formatRate(publish.ratePerSecond()),
                    "at least " + ScenarioUnits.formatRate(Math.ceil(1000 / seconds(timing.duration())) / 1000)
                            + ", or a longer timing.duration", null));
        }
        long body = (long) publish.payloadBytes() + ScenarioDefaults.PUBLISH_JSON_OVERHEAD_BYTES;
        if (body > server.maxPublishBytes()) {
            long enough = Math.min(ScenarioDefaults.MAX_MAX_PUBLISH_BYTES, Long.highestOneBit(body - 1) << 1);
            return Optional.of(new Violation("server.maxPublishBytes", List.of("publish.payload"),
                    "server.maxPublishBytes must hold a published message: publish.payload "
                            + ScenarioUnits.formatSize(publish.payloadBytes()) + " + " + ScenarioDefaults.PUBLISH_JSON_OVERHEAD_BYTES
                            + " bytes of JSON = " + body + " bytes, or the server refuses every message with 413",
                    String.valueOf(server.maxPublishBytes()),
                    "at least " + body + " and at most " + ScenarioDefaults.MAX_MAX_PUBLISH_BYTES + ", or a smaller publish.payload",
                    enough >= body ? String.valueOf(enough) : null));
        }
        return Optional.empty();
    }

    /**
     * A cluster's rules: what a scenario with a {@code cluster} block may not use. Each refused key is a feature of
     * the runner's own machine (its proxies, its relay's shaping and faults, its throttle, this machine's source
     * addresses) or one the controller does not split across agents (publish, search). Empty without a cluster block.
     */
    static Optional<Violation> checkCluster(ClusterSpec cluster, Matrix matrix, Clients clients, RecoverySettings recovery,
                                            PublishSpec publish, SearchSpec search) {
        if (cluster == null) {
            return Optional.empty();
        }
        String remove = "remove the cluster block to run the scenario on one machine";
        List<String> proxies = matrix.paths().stream().filter(NetworkPath::proxied).map(p -> p.proxy().id()).distinct().toList();
        if (!proxies.isEmpty()) {
            return Optional.of(new Violation("path.proxy", List.of("path.profile"),
                    notInCluster("path.proxy", "the runner starts its proxies on its own machine, not on the serving agent's"),
                    String.join(", ", proxies), "none in a cluster's run; or " + remove, "none"));
        }
        List<String> links = matrix.links().stream().filter(NetworkLink::shapes).map(NetworkLink::id).toList();
        if (!links.isEmpty()) {
            return Optional.of(new Violation("network.link",
                    List.of("network.rtt", "network.jitter", "network.down", "network.up", "network.stallEvery",
                            "network.stallFor", "network.mtu"),
                    notInCluster("network.link " + String.join(", ", links),
                            "between hosts the real network is the link, and the relay would shape it on one machine only"),
                    String.join(", ", links), "none or loopback in a cluster's run, without the link's figures; or " + remove,
                    "none"));
        }
        if (!recovery.faults().isEmpty()) {
            return Optional.of(new Violation("faults", List.of(),
                    notInCluster("faults", "the runner cuts connections in its relay and restarts a server it started itself,"
                            + " on its own machine"),
                    recovery.faults().stream().map(f -> f.type().id()).collect(Collectors.joining(", ")),
                    "no faults in a cluster's run; or " + remove, null));
        }
        if (publish != null) {
            return Optional.of(new Violation("publish", List.of(),
                    notInCluster("publish", "a two-way cell's publishers and their echoes are matched within one load"
                            + " generator, not across load agents"),
                    "a publish block", "no publish block in a cluster's run; or " + remove, null));
        }
        if (clients.throttled()) {
            return Optional.of(new Violation("clients.cpuShare", List.of(),
                    notInCluster("clients.cpuShare below 1", "the runner throttles a load generator it started itself,"
                            + " not an agent's"),
                    String.valueOf(clients.cpuShare()), "1 (or leave the key out) in a cluster's run; or " + remove, "1"));
        }
        if (!clients.sourceAddresses().isEmpty()) {
            return Optional.of(new Violation("clients.sourceAddresses", List.of(),
                    notInCluster("clients.sourceAddresses", "the addresses are this machine's, and each load agent binds"
                            + " to its own host's"),
                    clients.sourceAddresses().stream().map(InetAddress::getHostAddress).collect(Collectors.joining(", ")),
                    "no clients.sourceAddresses in a cluster's run (leave the key out); or " + remove, null));
        }
        if (search != null) {
            return Optional.of(new Violation("search", List.of(),
                    notInCluster("search", "a capacity search runs its steps on one machine"),
                    "a search block", "no search block in a cluster's run; or " + remove, null));
        }
        return Optional.empty();
    }

    private static String notInCluster(String what, String why) {
        return what + " is not supported in a cluster's run (a scenario with a cluster block): " + why;
    }

    /** Messages published to one topic per second, on average: the publishers spread evenly over the topics. */
    static double publishedPerTopic(PublishSpec publish, int connections, int topics) {
        return publish == null ? 0 : publish.publishers(connections) * publish.ratePerSecond() / topics;
    }

    /** Rates in messages are rounded to thousandths, in the direction that keeps the advice true. */
    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}
