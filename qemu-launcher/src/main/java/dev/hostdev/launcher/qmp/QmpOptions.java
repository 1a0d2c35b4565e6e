package dev.hostdev.launcher.qmp;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link QmpClient} behaves.
 *
 * @param commandTimeout  the longest a command may wait for its reply (and the greeting for itself)
 * @param maxMessageBytes the largest message accepted from QEMU; anything longer breaks the connection
 * @param transcript      where every message is recorded ({@code -v})
 */
public record QmpOptions(Duration commandTimeout, int maxMessageBytes, QmpTranscript transcript) {
    /** 16 MiB: far above any real reply (a full {@code query-qmp-schema} is under 1 MiB). */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
    /** Ten seconds: QEMU answers in milliseconds unless it is stuck. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(10);

    public QmpOptions {
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        Objects.requireNonNull(transcript, "transcript");
        if (commandTimeout.isNegative() || commandTimeout.isZero()) {
            throw new IllegalArgumentException("commandTimeout must be positive: " + commandTimeout);
        }
        if (maxMessageBytes < 1024) {
            throw new IllegalArgumentException("maxMessageBytes must be at least 1024: " + maxMessageBytes);
        }
    }

    /** The defaults, recording nothing. */
    public static QmpOptions defaults() {
        return new QmpOptions(DEFAULT_COMMAND_TIMEOUT, DEFAULT_MAX_MESSAGE_BYTES, QmpTranscript.NONE);
    }

    /** These options with another command timeout. */
    public QmpOptions withCommandTimeout(Duration timeout) {
        return new QmpOptions(timeout, maxMessageBytes, transcript);
    }

    /** These options with another message size cap. */
    public QmpOptions withMaxMessageBytes(int max) {
        return new QmpOptions(commandTimeout, max, transcript);
    }

    /** These options with another transcript. */
    public QmpOptions withTranscript(QmpTranscript t) {
        return new QmpOptions(commandTimeout, maxMessageBytes, t);
    }
}
