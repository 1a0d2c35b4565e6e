package dev.hostdev.launcher.soak;

import java.util.List;

/** A command run in the guest after each cycle's attach; the cycle fails unless it passes. */
public interface GuestCheck {
    /**
     * What the check found.
     *
     * @param passed whether the command exited 0
     * @param detail its exit status and the end of its output, for a failure message
     */
    record Outcome(boolean passed, String detail) {
    }

    /** The command as the user gave it. */
    String command();

    /**
     * Runs the check for {@code cycle}, whose devices are {@code ids}.
     *
     * @throws dev.hostdev.engine.HostdevException when the guest did not answer at all
     */
    Outcome run(int cycle, List<String> ids);
}
