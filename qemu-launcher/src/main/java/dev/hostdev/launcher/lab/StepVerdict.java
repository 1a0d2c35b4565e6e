package dev.hostdev.launcher.lab;

import java.util.Objects;

/**
 * The judgement of one step of the lab's walk-through.
 *
 * @param status passed, failed, or skipped (the command is not in this build)
 * @param detail what the step proved, or what went wrong
 */
public record StepVerdict(Status status, String detail) {
    /** How a step ended. */
    public enum Status { PASSED, FAILED, SKIPPED }

    /** Validates. */
    public StepVerdict {
        Objects.requireNonNull(status);
        Objects.requireNonNull(detail);
    }

    /** A passed step and what it proved. */
    public static StepVerdict passed(String proved) {
        return new StepVerdict(Status.PASSED, proved);
    }

    /** A failed step and why. */
    public static StepVerdict failed(String why) {
        return new StepVerdict(Status.FAILED, why);
    }

    /** A step that could not run, and why. */
    public static StepVerdict skipped(String why) {
        return new StepVerdict(Status.SKIPPED, why);
    }
}
