package dev.hostdev.launcher.cli;

import java.util.regex.Pattern;

/** Quotes an argument for a POSIX shell so a printed command line can be pasted as is. */
final class ShellQuote {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_./:=,@%+-]+");

    private ShellQuote() {
    }

    /** The argument unchanged if the shell would take it as is, else in single quotes. */
    static String quote(String arg) {
        if (!arg.isEmpty() && SAFE.matcher(arg).matches()) {
            return arg;
        }
        return "'" + arg.replace("'", "'\\''") + "'";
    }
}
