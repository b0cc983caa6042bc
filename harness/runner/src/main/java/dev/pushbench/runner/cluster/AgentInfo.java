package dev.pushbench.runner.cluster;

import dev.pushbench.model.result.RunManifest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * An agent as it answered the controller's {@code hello}: its name, the address it bound to, its
 * cluster member ID, what the controller checks a role against (cores, open-file limit), and what
 * its child JVMs run on (JDK, options), for {@code run.json}.
 *
 * @param clockPort its time server's TCP port, for the load agents' clock estimates
 */
public record AgentInfo(String name, String host, String node, long pid, int cores, long maxOpenFiles, int clockPort,
                        RunManifest.Jdk jdk, List<String> childJvmOptions) {

    static AgentInfo of(JsonObject j) {
        JsonObject jdk = j.getJsonObject("jdk");
        JsonArray options = j.getJsonArray("childJvmOptions");
        return new AgentInfo(j.getString("agent"), j.getString("host"), j.getString("node"), j.getLong("pid", -1L),
                j.getInteger("cores", 0), j.getLong("maxOpenFiles", -1L), j.getInteger("clockPort", 0),
                jdk == null ? null : new RunManifest.Jdk(jdk.getString("version"), jdk.getString("vendor"),
                        jdk.getString("vm"), jdk.getString("home")),
                options == null ? null : options.stream().map(String::valueOf).toList());
    }
}
