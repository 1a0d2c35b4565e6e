package dev.hostdev.launcher.cli;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * picocli's handlers of what went wrong, both reporting through {@link ErrorReporter}: a command line picocli refused
 * (usage, exit status 2, with the suggestions of {@link Suggestions}), and an exception a command threw.
 */
final class PicocliErrors implements IExecutionExceptionHandler, IParameterExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        return ErrorReporter.reportFailure(cmd.getOut(), cmd.getErr(), ex, matched(parseResult, "--json"),
                matched(parseResult, "--verbose"));
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        boolean json = java.util.Arrays.asList(args).contains("--json");
        String hint = Suggestions.hint(ex, "see '" + cmd.getCommandSpec().qualifiedName() + " --help'");
        ErrorReporter.report(cmd.getOut(), cmd.getErr(), HostdevException.usage(ex.getMessage(), hint), json);
        return ErrorCode.USAGE.exitStatus();
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
