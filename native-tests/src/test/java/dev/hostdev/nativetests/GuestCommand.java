package dev.hostdev.nativetests;

import java.util.List;

/**
 * One command of a native test's run inside the lab guest: a Hostdev command line (through the guest's
 * {@code hostdev batch}) or a shell command.
 *
 * @param name    its name in the test's results
 * @param hostdev the arguments of {@code hostdev}, or {@code null}
 * @param sh      a shell command, or {@code null}
 */
record GuestCommand(String name, List<String> hostdev, String sh) {
    GuestCommand {
        if ((hostdev == null) == (sh == null)) {
            throw new IllegalArgumentException(name + ": give either hostdev arguments or a shell command");
        }
        hostdev = hostdev == null ? null : List.copyOf(hostdev);
    }

    static GuestCommand hostdev(String name, String... args) {
        return new GuestCommand(name, List.of(args), null);
    }

    static GuestCommand sh(String name, String command) {
        return new GuestCommand(name, null, command);
    }
}
