package dev.hostdev.launcher.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the hostdev command line in-process and captures what it printed, for tests. */
public record CliRun(int exitCode, String out, String err) {
    /** Runs {@code hostdev args…}. */
    public static CliRun run(String... args) {
        CommandLine cl = Cli.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** Runs {@code hostdev args… --root ROOT}: a command on a test's tree. */
    public static CliRun under(java.nio.file.Path root, String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--root";
        all[args.length + 1] = root.toString();
        return run(all);
    }

    /** Runs {@code hostdev command args… --root ROOT}. */
    public static CliRun under(java.nio.file.Path root, String command, String[] args) {
        String[] all = new String[args.length + 1];
        all[0] = command;
        System.arraycopy(args, 0, all, 1, args.length);
        return under(root, all);
    }
}
