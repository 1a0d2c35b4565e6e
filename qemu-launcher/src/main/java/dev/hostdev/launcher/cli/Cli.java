package dev.hostdev.launcher.cli;

import picocli.CommandLine;

/** Builds the {@code hostdev} command line with its error handling; tests use it too. */
public final class Cli {
    private Cli() {
    }

    /** A fresh command line for {@link HostdevCommand}, with Hostdev's error reporting and exit codes. */
    public static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new HostdevCommand());
        ErrorReporter reporter = new ErrorReporter();
        cl.setExecutionExceptionHandler(reporter);
        cl.setParameterExceptionHandler(reporter);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }
}
