package dev.pushbench.runner.cli;

import dev.pushbench.runner.run.BadInputException;
import dev.pushbench.runner.scenario.ScenarioLoader;
import java.util.List;
import java.util.regex.Pattern;

/** Checks of the cluster options {@code pushbench agent} and {@code pushbench run --cluster} take: a bad one exits 2, naming it. */
final class ClusterOptions {
    static final Pattern AGENT_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,39}");
    static final Pattern CLUSTER_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,252})");

    private ClusterOptions() {
    }

    static void check(String option, String value, Pattern allowed) throws BadInputException {
        if (value == null || !allowed.matcher(value).matches()) {
            throw new BadInputException(option + " '" + value + "' is not allowed: it must match " + allowed.pattern());
        }
    }

    /** {@code host:port} each, host an IPv4 address or a host name, port 1-65535. */
    static void checkMembers(String option, List<String> members) throws BadInputException {
        if (members == null || members.isEmpty()) {
            throw new BadInputException(option + " needs at least one member, host:port");
        }
        for (String m : members) {
            int colon = m.lastIndexOf(':');
            String host = colon < 0 ? "" : m.substring(0, colon);
            int port;
            try {
                port = colon < 0 ? -1 : Integer.parseInt(m.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (!HOST.matcher(host).matches() || port < 1 || port > 65535) {
                throw new BadInputException(option + " member '" + m + "' is not host:port (an IPv4 address or host name,"
                        + " and a port 1-65535), e.g. 127.0.0.1:5701");
            }
        }
    }

    /** An IPv4 address this machine has: what the agent binds to. */
    static void checkAddress(String option, String value) throws BadInputException {
        if (ScenarioLoader.ipv4(value) == null) {
            throw new BadInputException(option + " '" + value + "' is not an IPv4 address (four numbers 0-255), e.g. 127.0.0.1");
        }
    }
}
