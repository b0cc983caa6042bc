package dev.pushbench.loadgen;

import java.util.Objects;

/**
 * Two-way workloads: what the subscribers publish ({@code publish} in a scenario). Each publishing subscriber sends
 * {@code ratePerSecond} messages of {@code payloadBytes} to its room (its own topic) or to a random room, on a
 * fixed schedule (open loop: a message is stamped with the time it was due, not the time it left, so a publisher
 * that falls behind shows it in every latency figure). SSE and polling subscribers publish with
 * {@code POST /publish/{topic}}; WebSocket subscribers in-band.
 *
 * <pre>
 *   new PublishSpec(0.33, 256, 1.0, PublishSpec.Target.OWN)   // a chat: every member posts every 3 s
 * </pre>
 *
 * @param ratePerSecond messages per second per publishing subscriber, above 0
 * @param payloadBytes  characters of {@code data} in each message
 * @param share         the fraction of subscribers that publish (0, 1]: the first {@code ceil(share × connections)}
 *                      by index, spread over the rooms
 * @param to            which room each message goes to
 */
public record PublishSpec(double ratePerSecond, int payloadBytes, double share, Target to) {

    /** Where a subscriber publishes. */
    public enum Target {
        /** Its own room: every message fans out to the room and back to its sender (the echo). */
        OWN,
        /** A room drawn at random for each message (never echoed unless it is the sender's own). */
        RANDOM
    }

    public PublishSpec {
        Objects.requireNonNull(to, "to");
        if (!(ratePerSecond > 0) || ratePerSecond > 10_000) {
            throw new IllegalArgumentException("publish rate must be above 0/s and at most 10000/s per subscriber, got "
                    + ratePerSecond);
        }
        if (payloadBytes < 0 || payloadBytes > 16 * 1024 * 1024) {
            throw new IllegalArgumentException("publish payload must be between 0 and 16 MiB, got " + payloadBytes);
        }
        if (!(share > 0) || share > 1) {
            throw new IllegalArgumentException("publish share must be above 0 and at most 1, got " + share);
        }
    }

    /** How many of {@code connections} subscribers publish. */
    public int publishers(int connections) {
        return (int) Math.min(connections, Math.ceil(share * connections));
    }
}
