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

    @Test
    void theAgeComesFromTheStartTicksAndTheUptimeBothCountedFromBoot() {
        String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 10 2 0 0 20 0 19 0 3705100 0 0";
        assertEquals(Optional.of(Duration.ofMillis(430)), ProcessClock.age(stat, "37051.43 70000.00\n"));
        assertEquals(Optional.empty(), ProcessClock.age(stat, "37050.00 70000.00\n"), "an uptime before the start");
        assertEquals(Optional.empty(), ProcessClock.age("garbage", "37051.43 70000.00\n"));
    }

    @Test
    void theAgeOfThisProcessIsNotASecondTooLong() {
        // ProcessHandle's startInstant() adds the start to btime, in whole seconds: up to 1 s too early
        long jvmUptime = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
        long age = ProcessClock.sinceProcessStart().orElseThrow().toMillis();
        long jvmUptimeAfter = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
        assertTrue(age >= jvmUptime - 20, "age " + age + " ms, JVM up " + jvmUptime + " ms");
        assertTrue(age <= jvmUptimeAfter + 250, "age " + age + " ms, JVM up " + jvmUptimeAfter + " ms");
    }
}
