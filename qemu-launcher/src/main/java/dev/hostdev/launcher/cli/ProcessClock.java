package dev.hostdev.launcher.cli;

import java.time.Duration;
import java.time.Instant;
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

    /** The time since this process started (to the kernel's 10 ms), or empty inside a batch or when unknown. */
    static Optional<Duration> sinceProcessStart() {
        if (Boolean.TRUE.equals(BATCH.get())) {
            return Optional.empty();
        }
        return ProcessHandle.current().info().startInstant().map(start -> Duration.between(start, Instant.now()));
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
