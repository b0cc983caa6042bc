package dev.pushbench.runner.proxy;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests of the real proxies skip where one is not installed, unless the environment variable {@code CI} is
 * set: {@code .ci/run} installs Debian's nginx-light and haproxy first, so there a missing one is a failure.
 */
public final class Installed {
    private Installed() {
    }

    public static void assume(ProxyKind kind) {
        if (kind.executable().isPresent()) {
            return;
        }
        String why = kind.id() + " is not installed (Debian package " + kind.debianPackage() + ")";
        if (System.getenv("CI") != null) {
            fail(why + ", and CI is set: .ci/run installs it before the tests");
        }
        assumeTrue(false, why);
    }
}
