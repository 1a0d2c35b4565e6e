package dev.hostdev.launcher.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that runs under picocli or, spelt in one of its common ways, straight from {@link CommandFastPath}: its
 * {@code call()} is the same in both and prints to {@link #out()} and {@link #err()}, picocli's streams when picocli
 * runs it, else the ones the fast path gave. No picocli class is touched unless picocli set {@link #spec}.
 */
// @Command with no attributes: picocli's annotation processor takes @Spec only in a class that carries it.
@Command
abstract class PrintingCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    private PrintWriter out;
    private PrintWriter err;

    /** Where to print when picocli does not run this command. */
    final void printTo(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    /** Standard output. */
    final PrintWriter out() {
        return out != null ? out : spec.commandLine().getOut();
    }

    /** Standard error. */
    final PrintWriter err() {
        return err != null ? err : spec.commandLine().getErr();
    }
}
