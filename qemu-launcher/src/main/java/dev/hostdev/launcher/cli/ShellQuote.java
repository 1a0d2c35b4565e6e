package dev.hostdev.launcher.cli;

/** Quotes an argument for a POSIX shell so a printed command line can be pasted as is ({@link dev.hostdev.launcher.cmdline.ShellQuoting}). */
final class ShellQuote {
    private ShellQuote() {
    }

    /** The argument unchanged if the shell would take it as is, else in single quotes. */
    static String quote(String arg) {
        return dev.hostdev.launcher.cmdline.ShellQuoting.quote(arg);
    }
}
