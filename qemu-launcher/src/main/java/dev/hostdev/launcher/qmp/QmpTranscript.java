package dev.hostdev.launcher.qmp;

/**
 * Receives every QMP message as it is sent or received ({@code -v}). Lines start with {@code ->} for
 * what Hostdev sent and {@code <-} for what QEMU sent.
 */
@FunctionalInterface
public interface QmpTranscript {
    /** A transcript that records nothing. */
    QmpTranscript NONE = line -> { };

    /** Records one line. Called from the reader thread and from callers; must be thread-safe. */
    void record(String line);
}
