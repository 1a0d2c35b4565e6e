package dev.hostdev.launcher.cli;

/** Entry point of the {@code hostdev} command. */
public final class Main {
    private Main() {
    }

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(Cli.newCommandLine().execute(args));
    }
}
