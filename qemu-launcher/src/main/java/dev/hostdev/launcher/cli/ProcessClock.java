package dev.hostdev.launcher.cli;

import dev.hostdev.launcher.vm.ProcStat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How long the user has waited for this command: since its process started, JVM start-up and the reading of the
 * command line included, so that a time a command prints is the time waited, or says what it leaves out. Inside a
 * {@code hostdev batch} the process started long before the command, and nothing is said.
 */
final class ProcessClock {
    private static final ThreadLocal<Boolean> BATCH = new ThreadLocal<>();

    private ProcessClock() {
    }

    /** Commands this thread runs from now on are lines of a batch. */
    static void enterBatch() {
        BATCH.set(Boolean.TRUE);
    }

    /** The batch this thread ran has ended. */
    static void leaveBatch() {
        BATCH.remove();
    }

    /**
     * The time since this process started (to the kernel's 10 ms; the {@code ./hostdev} script's own start included, as it
     * execs the JVM in the same process), or empty inside a batch or when unknown.
     */
    static Optional<Duration> sinceProcessStart() {
        if (Boolean.TRUE.equals(BATCH.get())) {
            return Optional.empty();
        }
        try {
            return age(Files.readString(Path.of("/proc/self/stat")), Files.readString(Path.of("/proc/uptime")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * A process's age from its {@code /proc/PID/stat} line and {@code /proc/uptime}: both count from boot, to 10 ms.
     * Not {@link ProcessHandle.Info#startInstant()}, which adds the start to the boot time in whole seconds
     * ({@code btime}), so that an age it gives is up to a second too long.
     */
    static Optional<Duration> age(String stat, String uptime) {
        ProcStat s = ProcStat.parse(stat);
        int space = uptime.indexOf(' ');
        if (s == null || space <= 0) {
            return Optional.empty();
        }
        long upMillis = new java.math.BigDecimal(uptime.substring(0, space)).movePointRight(3).longValue();
        long startMillis = s.startTicks() * 1000 / ProcStat.TICKS_PER_SECOND;
        return upMillis < startMillis ? Optional.empty() : Optional.of(Duration.ofMillis(upMillis - startMillis));
    }

    /**
     * {@code "1352 ms since hostdev started (865 ms of it the JVM starting and reading the command line)"} for a command
     * whose own part took {@code own}, or empty inside a batch.
     */
    static Optional<String> waited(Duration own) {
        Optional<Duration> all = sinceProcessStart();
        if (all.isEmpty() || all.get().compareTo(own) < 0) {
            return Optional.empty();
        }
        return Optional.of(all.get().toMillis() + " ms since hostdev started (" + all.get().minus(own).toMillis()
                + " ms of it the JVM starting and reading the command line)");
    }
}
