package dev.pushbench.runner.cluster;

import io.vertx.core.json.JsonObject;

/**
 * An agent as it answered the controller's {@code hello}: its name, the address it bound to, its
 * cluster member ID, and what the controller checks a role against (cores, open-file limit).
 *
 * @param clockPort its time server's TCP port, for the load agents' clock estimates
 */
public record AgentInfo(String name, String host, String node, long pid, int cores, long maxOpenFiles, int clockPort) {

    static AgentInfo of(JsonObject j) {
        return new AgentInfo(j.getString("agent"), j.getString("host"), j.getString("node"), j.getLong("pid", -1L),
                j.getInteger("cores", 0), j.getLong("maxOpenFiles", -1L), j.getInteger("clockPort", 0));
    }
}
