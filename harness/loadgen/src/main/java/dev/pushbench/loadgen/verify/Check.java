package dev.pushbench.loadgen.verify;

import dev.pushbench.core.Transport;

/**
 * One conformance check, by name: {@code <transport or area>.<what>}, e.g. {@code sse.resume} or
 * {@code errors.bad-cursor}. The list is fixed ({@link Conformance#checks}), so a failure always
 * names the same cell.
 *
 * @param name        stable identifier
 * @param level       the least level that runs it
 * @param transport   the transport it exercises, or null for checks across transports
 * @param description what a server must do to pass
 */
public record Check(String name, ConformanceLevel level, Transport transport, String description) {

    @Override
    public String toString() {
        return name;
    }
}
