package dev.hostdev.launcher.cli;

import picocli.CommandLine.Option;

/** The {@code --json} option of commands that print data. Errors are printed as JSON too. */
public final class JsonOption {
    @Option(names = "--json", description = "Print JSON instead of text (errors too: {\"error\":{\"code\",\"message\",\"hint\"}}).")
    boolean json;

    /** Whether --json was given. */
    public boolean enabled() {
        return json;
    }
}
