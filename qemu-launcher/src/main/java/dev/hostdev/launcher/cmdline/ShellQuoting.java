package dev.hostdev.launcher.cmdline;

import java.util.regex.Pattern;

/** Quotes an argument for a POSIX shell so a printed command line can be pasted as is. */
public final class ShellQuoting {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_./:=,@%+-]+");

    private ShellQuoting() {
    }

    /** The argument unchanged if the shell would take it as is, else in single quotes. */
    public static String quote(String arg) {
        if (!arg.isEmpty() && SAFE.matcher(arg).matches()) {
            return arg;
        }
        return "'" + arg.replace("'", "'\\''") + "'";
    }
}
