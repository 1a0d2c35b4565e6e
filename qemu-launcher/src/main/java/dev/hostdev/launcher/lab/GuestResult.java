package dev.hostdev.launcher.lab;

import java.time.Duration;
import java.util.Objects;

/**
 * What a command run inside the lab VM produced.
 *
 * @param command    the shell script that ran
 * @param exitStatus its exit status (137 when the guest's timeout killed it)
 * @param stdout     its standard output
 * @param stderr     its standard error
 * @param duration   wall time seen from the host, including the exchange over 9p
 */
public record GuestResult(String command, int exitStatus, String stdout, String stderr, Duration duration) {
    /** Validates. */
    public GuestResult {
        Objects.requireNonNull(command);
        Objects.requireNonNull(stdout);
        Objects.requireNonNull(stderr);
        Objects.requireNonNull(duration);
    }

    /** Whether it exited with status 0. */
    public boolean ok() {
        return exitStatus == 0;
    }

    /** A short description for failure messages: the command, its status and both outputs. */
    public String describe() {
        return "guest command `" + command.strip() + "` exited " + exitStatus
                + (stdout.isBlank() ? "" : "\n--- stdout ---\n" + stdout.strip())
                + (stderr.isBlank() ? "" : "\n--- stderr ---\n" + stderr.strip());
    }
}
