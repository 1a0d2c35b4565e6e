package dev.hostdev.launcher.qmp;

/**
 * Receives every QMP message as it is sent or received ({@code -v}). Lines start with {@code ->} for
 * what Hostdev sent and {@code <-} for what QEMU sent.
 */
@FunctionalInterface
public interface QmpTranscript extends AutoCloseable {
    /** A transcript that records nothing. */
    QmpTranscript NONE = line -> { };

    /** Records one line. Called from whichever caller sends or reads a message; must be thread-safe. */
    void record(String line);

    /** Called when the connection closes: release what the transcript holds open. */
    @Override
    default void close() {
    }
}
