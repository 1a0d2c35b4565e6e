package dev.hostdev.engine;

import java.util.Objects;

/**
 * The one exception type for errors a person can act on: a stable {@link ErrorCode}, the message
 * (naming the device and what is wrong) and a hint (the fix). Printed without a stack trace.
 */
public class HostdevException extends RuntimeException {
    private final ErrorCode code;
    private final String hint;

    /**
     * @param code    what kind of failure, mapped to the exit status
     * @param message what is wrong, naming the device or file concerned
     * @param hint    how to fix it, or {@code null} where there is nothing to add
     */
    public HostdevException(ErrorCode code, String message, String hint) {
        this(code, message, hint, null);
    }

    /** As {@link #HostdevException(ErrorCode, String, String)}, keeping the underlying cause. */
    public HostdevException(ErrorCode code, String message, String hint, Throwable cause) {
        super(Objects.requireNonNull(message), cause);
        this.code = Objects.requireNonNull(code);
        this.hint = hint;
    }

    /** The stable error code. */
    public ErrorCode code() {
        return code;
    }

    /** The fix, or {@code null}. */
    public String hint() {
        return hint;
    }

    /** Shorthand for a {@link ErrorCode#USAGE} error. */
    public static HostdevException usage(String message, String hint) {
        return new HostdevException(ErrorCode.USAGE, message, hint);
    }

    /** Shorthand for a {@link ErrorCode#NOT_FOUND} error. */
    public static HostdevException notFound(String message, String hint) {
        return new HostdevException(ErrorCode.NOT_FOUND, message, hint);
    }
}
