package dev.hostdev.launcher.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.io.PrintWriter;

/**
 * Turns exceptions into one-line messages (or a JSON error under {@code --json}) and exit statuses.
 * A {@link HostdevException} is the user's to fix and never shows a stack trace; anything else is a
 * bug, reported as {@code internal} with the trace under {@code -v}. Loads no picocli class: the fast paths
 * ({@link CommandFastPath}, {@link ListFastPath}) report through it as picocli's handlers ({@link PicocliErrors}) do.
 */
final class ErrorReporter {
    private ErrorReporter() {
    }

    /**
     * Reports what a command's {@code call()} threw and returns the exit status: a {@link HostdevException} as it is,
     * anything else as {@code internal}, its stack trace first under {@code -v}.
     */
    static int reportFailure(PrintWriter out, PrintWriter err, Exception ex, boolean json, boolean verbose) {
        HostdevException error = ex instanceof HostdevException h ? h
                : new HostdevException(ErrorCode.INTERNAL, "internal error: " + ex,
                        "this is a bug in Hostdev; run again with -v and report the stack trace", ex);
        if (!(ex instanceof HostdevException) && verbose) {
            ex.printStackTrace(err);
        }
        report(out, err, error, json);
        return error.code().exitStatus();
    }

    /** Prints the error to stdout as JSON, or to stderr as {@code hostdev: message} and {@code hint: …}. */
    static void report(PrintWriter out, PrintWriter err, HostdevException error, boolean json) {
        if (json) {
            ObjectNode root = JsonNodeFactory.instance.objectNode();
            ObjectNode e = root.putObject("error");
            e.put("code", error.code().jsonName());
            e.put("message", error.getMessage());
            e.put("hint", error.hint());
            JsonLine.print(out, root);
        } else {
            err.println("hostdev: " + error.getMessage());
            if (error.hint() != null) {
                err.println("hint: " + error.hint());
            }
            err.flush();
        }
    }
}
