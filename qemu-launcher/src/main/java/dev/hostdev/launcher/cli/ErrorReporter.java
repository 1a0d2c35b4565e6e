package dev.hostdev.launcher.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns exceptions into one-line messages (or a JSON error under {@code --json}) and exit statuses.
 * A {@link HostdevException} is the user's to fix and never shows a stack trace; anything else is a
 * bug, reported as {@code internal} with the trace under {@code -v}.
 */
final class ErrorReporter implements IExecutionExceptionHandler, IParameterExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        HostdevException error = ex instanceof HostdevException h ? h
                : new HostdevException(ErrorCode.INTERNAL, "internal error: " + ex,
                        "this is a bug in Hostdev; run again with -v and report the stack trace", ex);
        boolean json = matched(parseResult, "--json");
        if (!(ex instanceof HostdevException) && matched(parseResult, "--verbose")) {
            ex.printStackTrace(cmd.getErr());
        }
        report(cmd, error, json);
        return error.code().exitStatus();
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        boolean json = java.util.Arrays.asList(args).contains("--json");
        String hint = Suggestions.hint(ex, "see '" + cmd.getCommandSpec().qualifiedName() + " --help'");
        report(cmd, HostdevException.usage(ex.getMessage(), hint), json);
        return ErrorCode.USAGE.exitStatus();
    }

    /** Prints the error to stdout as JSON, or to stderr as {@code hostdev: message} and {@code hint: …}. */
    static void report(CommandLine cmd, HostdevException error, boolean json) {
        report(cmd.getOut(), cmd.getErr(), error, json);
    }

    /** As {@link #report(CommandLine, HostdevException, boolean)}, to given streams (for fast paths without picocli). */
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

    private static boolean matched(ParseResult pr, String option) {
        for (ParseResult r = pr; r != null; r = r.subcommand()) {
            if (r.hasMatchedOption(option)) {
                return true;
            }
        }
        return false;
    }
}
