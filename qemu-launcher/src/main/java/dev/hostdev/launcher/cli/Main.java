package dev.hostdev.launcher.cli;

import java.io.PrintWriter;

/** Entry point of the {@code hostdev} command. */
public final class Main {
    private Main() {
    }

    /**
     * Runs the command line and exits with its status. The common spellings of {@code list} ({@link ListFastPath}) and
     * of {@code attach}, {@code unplug}, {@code vm status}, {@code vm stop} and {@code vm start}
     * ({@link CommandFastPath}) run without picocli, whose model and parsing cost more than a small command's work;
     * any other command line gets a picocli model of only the command it invokes ({@link Cli#forArgs}).
     */
    public static void main(String[] args) {
        PrintWriter out = StandardStreams.out();
        PrintWriter err = StandardStreams.err();
        Integer fast = ListFastPath.tryRun(args, out, err);
        if (fast == null) {
            fast = CommandFastPath.tryRun(args, out, err);
        }
        if (fast != null) {
            out.flush();
            err.flush();
            System.exit(fast);
        }
        System.exit(Cli.forArgs(args).execute(args));
    }
}
