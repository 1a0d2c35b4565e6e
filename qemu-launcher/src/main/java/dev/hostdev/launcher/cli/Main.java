package dev.hostdev.launcher.cli;

/** Entry point of the {@code hostdev} command. */
public final class Main {
    private Main() {
    }

    /**
     * Runs the command line and exits with its status. A plain {@code list} skips building the command
     * tree (see {@link ListFastPath}): it must start about as fast as a bare JVM; any other command gets a model
     * of only itself ({@link Cli#forArgs}).
     */
    public static void main(String[] args) {
        Integer fast = ListFastPath.tryRun(args, new java.io.PrintWriter(System.out, true),
                new java.io.PrintWriter(System.err, true));
        System.exit(fast != null ? fast : Cli.forArgs(args).execute(args));
    }
}
