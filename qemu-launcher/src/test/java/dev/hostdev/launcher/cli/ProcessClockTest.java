package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A time a command prints is the time the user waited, or says what it leaves out ("started in 487 ms" took 1,352). */
class ProcessClockTest {
    @Test
    void theTimeSinceTheProcessStartedIncludesWhatTheCommandDidNotMeasure() {
        String said = ProcessClock.waited(Duration.ofMillis(5)).orElseThrow();
        Matcher m = Pattern.compile("^(\\d+) ms since hostdev started \\((\\d+) ms of it the JVM starting and reading the command line\\)$")
                .matcher(said);
        assertTrue(m.matches(), said);
        assertEquals(Long.parseLong(m.group(1)) - 5, Long.parseLong(m.group(2)));
        assertTrue(Long.parseLong(m.group(1)) >= 5, said);
    }

    @Test
    void insideABatchNothingIsSaid() {
        ProcessClock.enterBatch();
        try {
            assertEquals(Optional.empty(), ProcessClock.waited(Duration.ofMillis(5)));
        } finally {
            ProcessClock.leaveBatch();
        }
        assertTrue(ProcessClock.waited(Duration.ofMillis(5)).isPresent(), "after the batch");
    }
}
