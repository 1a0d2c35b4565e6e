package dev.hostdev.launcher.lab;

import java.time.Duration;

/** Something that runs shell scripts as root inside a lab guest: a {@link LabVm}, or a {@link GuestChannel}. */
@FunctionalInterface
public interface GuestShell {
    /**
     * Runs a script ({@code /bin/sh} of the host's root, chrooted) and returns what it did; a non-zero
     * exit status is returned, not thrown.
     *
     * @param timeout the guest kills the script after this long (exit status 137)
     */
    GuestResult run(String script, Duration timeout);
}
