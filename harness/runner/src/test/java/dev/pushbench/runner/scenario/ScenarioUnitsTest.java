package dev.pushbench.runner.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScenarioUnitsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "250ms   | 250000000",
            "5s      | 5000000000",
            "2m      | 120000000000",
            "1h      | 3600000000000",
            "500us   | 500000",
            "7ns     | 7",
            "0s      | 0",
            "0ms     | 0",
            "1.5s    | 1500000000",
            "0.25s   | 250000000",
            ".5s     | 500000000",
            "1.0005ms| 1000500",
            "'5 s'   | 5000000000",
            "' 10ms '| 10000000",
            "+3s     | 3000000000",
    })
    void durations(String text, long nanos) {
        assertEquals(Duration.ofNanos(nanos), ScenarioUnits.parseDuration(text));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "5          | has no unit (a bare number is ambiguous)                              |",
            "0          | has no unit (a bare number is ambiguous)                              |",
            "''         | is empty; a duration is a number and a unit, e.g. 5s                  |",
            "s          | is not a duration: it must start with a number, e.g. 5s               |",
            "-1s        | is negative; a duration is at least 0                                 |",
            "5sec       | has an unknown duration unit 'sec'                                    | 5s",
            "5 seconds  | has an unknown duration unit 'seconds'                                | 5s",
            "2min       | has an unknown duration unit 'min'                                    | 2m",
            "3S         | has an unknown duration unit 'S'                                      | 3s",
            "10MS       | has an unknown duration unit 'MS'                                     | 10ms",
            "5µs        | has an unknown duration unit 'µs'                                     | 5us",
            "1d         | has an unknown duration unit 'd'                                      |",
            "1.5ns      | is not a whole number of nanoseconds                                  |",
            "1e3s       | has an unknown duration unit 'e3s'                                    |",
            "1m30s      | has an unknown duration unit 'm30s'                                   |",
            "3000000h   | is too long to be measured in nanoseconds (at most about 292 years)   |",
    })
    void badDurations(String text, String problem, String suggestion) {
        ScenarioUnits.UnitException e = assertThrows(ScenarioUnits.UnitException.class, () -> ScenarioUnits.parseDuration(text));
        assertEquals(problem, e.problem());
        assertEquals(suggestion, e.suggestion());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "256B    | 256",
            "0B      | 0",
            "4KiB    | 4096",
            "1MiB    | 1048576",
            "16MiB   | 16777216",
            "1GiB    | 1073741824",
            "1kB     | 1000",
            "1.5kB   | 1500",
            "2MB     | 2000000",
            "1GB     | 1000000000",
            "0.5KiB  | 512",
            "'4 KiB' | 4096",
    })
    void sizes(String text, long bytes) {
        assertEquals(bytes, ScenarioUnits.parseSize(text));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "256      | has no unit (a bare number is ambiguous)                                      |",
            "4KB      | is ambiguous: write 4KiB for 1024-based or 4kB for 1000-based kilobytes       |",
            "4kb      | has an unknown size unit 'kb'                                                 | 4kB",
            "4kib     | has an unknown size unit 'kib'                                                | 4KiB",
            "1Mb      | has an unknown size unit 'Mb'                                                 | 1MB",
            "256b     | has an unknown size unit 'b'                                                  | 256B",
            "10 bytes | has an unknown size unit 'bytes'                                              | 10B",
            "1.5B     | is not a whole number of bytes                                                |",
            "-1B      | is negative; a size is at least 0                                             |",
            "99999999999GiB | is too large                                                            |",
    })
    void badSizes(String text, String problem, String suggestion) {
        ScenarioUnits.UnitException e = assertThrows(ScenarioUnits.UnitException.class, () -> ScenarioUnits.parseSize(text));
        assertEquals(problem, e.problem());
        assertEquals(suggestion, e.suggestion());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "10/s      | 10",
            "0.5/s     | 0.5",
            "600/min   | 10",
            "36/h      | 0.01",
            "0/s       | 0",
            "'10 / s'  | 10",
            "1000000/s | 1000000",
    })
    void rates(String text, double perSecond) {
        assertEquals(perSecond, ScenarioUnits.parseRate(text), 1e-12);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "10       | has no unit (a bare number is ambiguous); a rate is a count per time unit        | 10/s",
            "10/sec   | has an unknown unit '/sec'                                                       | 10/s",
            "10/m     | has an unknown unit '/m'                                                         | 10/min",
            "10/hour  | has an unknown unit '/hour'                                                      | 10/h",
            "10/S     | has an unknown unit '/S'                                                         | 10/s",
            "10/d     | has an unknown unit '/d'                                                         |",
            "10hz     | has an unknown unit 'hz'; a rate is a count per time unit                        |",
            "-1/s     | is negative; a rate is at least 0                                                |",
            "/s       | is not a rate: it must start with a number, e.g. 10/s                            |",
    })
    void badRates(String text, String problem, String suggestion) {
        ScenarioUnits.UnitException e = assertThrows(ScenarioUnits.UnitException.class, () -> ScenarioUnits.parseRate(text));
        assertEquals(problem, e.problem());
        assertEquals(suggestion, e.suggestion());
    }

    @Test
    void messageQuotesTheTextAndTheSuggestion() {
        ScenarioUnits.UnitException e = assertThrows(ScenarioUnits.UnitException.class, () -> ScenarioUnits.parseDuration("5sec"));
        assertEquals("'5sec' has an unknown duration unit 'sec'; did you mean '5s'?", e.getMessage());
        assertNull(assertThrows(ScenarioUnits.UnitException.class, () -> ScenarioUnits.parseSize("1.5B")).suggestion());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0         | 0s",
            "1         | 1ns",
            "1000      | 1us",
            "1500000   | 1500us",
            "250000000 | 250ms",
            "5000000000| 5s",
            "90000000000 | 90s",
            "120000000000 | 2m",
            "3600000000000 | 1h",
            "5400000000000 | 90m",
    })
    void formatsDurationsInTheLargestExactUnit(long nanos, String text) {
        assertEquals(text, ScenarioUnits.formatDuration(Duration.ofNanos(nanos)));
        assertEquals(Duration.ofNanos(nanos), ScenarioUnits.parseDuration(text));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0        | 0B",
            "256      | 256B",
            "1000     | 1000B",
            "1024     | 1KiB",
            "1536     | 1536B",
            "16777216 | 16MiB",
            "1073741824 | 1GiB",
    })
    void formatsSizesInTheLargestExactBinaryUnit(long bytes, String text) {
        assertEquals(text, ScenarioUnits.formatSize(bytes));
        assertEquals(bytes, ScenarioUnits.parseSize(text));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "10     | 10/s",
            "0.5    | 0.5/s",
            "0.2    | 0.2/s",
            "1000000| 1000000/s",
    })
    void formatsRatesPerSecond(double perSecond, String text) {
        assertEquals(text, ScenarioUnits.formatRate(perSecond));
        assertEquals(perSecond, ScenarioUnits.parseRate(text));
    }
}
