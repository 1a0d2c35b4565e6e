package dev.hostdev.launcher.lab;

/**
 * What one command of a lab step did inside the guest: a Hostdev command (through the guest's
 * {@code hostdev batch}) or a shell command.
 *
 * @param name   the command's name in its step
 * @param exit   its exit status (a Hostdev exit status for Hostdev commands)
 * @param stdout its standard output
 * @param stderr its standard error
 * @param millis how long it took, seen from the host
 */
public record StepOutcome(String name, int exit, String stdout, String stderr, long millis) {
    /** Whether it exited 0. */
    public boolean ok() {
        return exit == 0;
    }

    /** Whether the step hit a command that this build of Hostdev does not have yet. */
    public boolean notImplemented() {
        return exit == 70 && (stderr.contains("is not written yet") || stdout.contains("is not written yet"));
    }

    /** The first line of stderr (or of stdout when stderr is empty), for a failure's message. */
    public String firstLine() {
        String t = (stderr.isBlank() ? stdout : stderr).strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }
}
