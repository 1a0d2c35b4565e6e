package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

/** Every time limit is checked while the command line is parsed, and refused in one style. */
class DurationOptionsTest {
    private final DurationConverter converter = new DurationConverter();

    @Test
    void secondsOrAUnit() {
        assertEquals(Duration.ofSeconds(30), converter.convert("30"));
        assertEquals(Duration.ofMillis(1500), converter.convert("1.5"));
        assertEquals(Duration.ofMillis(500), converter.convert("500ms"));
        assertEquals(Duration.ofSeconds(30), converter.convert("30s"));
        assertEquals(Duration.ofMinutes(2), converter.convert("2m"));
        assertEquals("1.5 s", DurationConverter.describe(Duration.ofMillis(1500)));
        assertEquals("30 s", DurationConverter.describe(Duration.ofSeconds(30)));
    }

    @Test
    void nothingElse() {
        for (String bad : new String[] {"-5", "0", "0ms", "0.0001", "1.5ms", "abc", "", "5h", "90000", "1e3", "NaN"}) {
            TypeConversionException e = assertThrows(TypeConversionException.class, () -> converter.convert(bad), bad);
            assertTrue(e.getMessage().startsWith("'" + bad + "' is not a time limit: give seconds"), e.getMessage());
        }
    }

    @Test
    void everyTimeoutOptionIsRefusedAtParseTimeWithExitTwo() {
        String[][] lines = {
            {"vm", "start", "absent.toml", "--timeout=-5"},
            {"vm", "stop", "ghost", "--timeout", "0"},
            {"unplug", "ghost", "nic1", "--timeout", "soon"},
        };
        for (String[] line : lines) {
            CliRun r = CliRun.run(line);
            assertEquals(2, r.exitCode(), String.join(" ", line) + ": " + r.err());
            assertTrue(r.err().startsWith("hostdev: Invalid value for option '--timeout': '"), r.err());
            assertTrue(r.err().contains("is not a time limit: give seconds (30, 1.5) or a unit (500ms, 30s, 2m)"), r.err());
        }
    }
}
