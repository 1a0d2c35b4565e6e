package dev.hostdev.launcher.lab;

/**
 * What one {@link BatchStep} did.
 *
 * @param name   the step's name
 * @param exit   its exit status (a Hostdev exit status for Hostdev steps)
 * @param stdout its standard output
 * @param stderr its standard error
 * @param millis how long it took
 * @param notWritten whether the Hostdev command is still a placeholder in this build
 */
public record StepOutcome(String name, int exit, String stdout, String stderr, long millis, boolean notWritten) {
    /** Whether it exited 0. */
    public boolean ok() {
        return exit == 0;
    }

    /** Whether the step hit a command that this build of Hostdev does not have yet. */
    public boolean notImplemented() {
        return notWritten || exit == 70 && (stderr.contains("is not written yet") || stdout.contains("is not written yet"));
    }
}
