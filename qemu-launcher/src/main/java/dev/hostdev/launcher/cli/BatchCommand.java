package dev.hostdev.launcher.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.Utf8Input;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hostdev batch [FILE]}: runs hostdev commands, one per line, in one process. A hotplug rig
 * that attaches and unplugs thousands of times pays the JVM's start once instead of per command, and
 * the commands run at the speed of compiled code once the first few hundred are done.
 */
@Command(name = "batch", mixinStandardHelpOptions = true,
        description = {"Run hostdev commands, one per line (without the word 'hostdev'), in one process: for hotplug rigs and"
            + " scripts that run many commands. Words are split as a shell splits them ('…', \"…\", \\), without expansions;"
            + " blank lines and # comments are skipped. It stops at the first command that fails and exits with its status,"
            + " unless --keep-going. With --json, one JSON object per command, on one line, as soon as it ends:"
            + " {\"line\",\"command\",\"exit\",\"stdout\",\"stderr\"}: a program can feed commands one at a time and read each"
            + " result before sending the next. --root and --run-dir (and HOSTDEV_ROOT, HOSTDEV_RUN_DIR) are the batch's, fixed for"
            + " every line: a line that gives its own is refused.",
            "%nExample:%n  printf 'attach rig --emulated e1000e --id n1\\nunplug rig n1\\n' | hostdev batch"},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:every command succeeded", "2:bad arguments, or a line that is not a command",
            "3:FILE does not exist", "N:the status of the first command that failed"})
public final class BatchCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", defaultValue = "-",
            description = "The commands; '-' (the default) reads standard input.")
    String file;

    /** Options that choose the host a command touches and where its VMs are kept: fixed for the batch. */
    static final List<String> HOST_CHOOSING_OPTIONS = List.of("--root", "--run-dir");

    /** A JVM property that skips {@link BatchWarmUp} (for benchmarks comparing the two). */
    static final String NO_WARM_UP = "hostdev.batch.noWarmUp";

    @Option(names = "--keep-going", description = "Run every line, even after one fails; exit with the first failure's status.")
    boolean keepGoing;

    @Override
    public Integer call() throws IOException {
        ProcessClock.enterBatch(); // a line's command did not start with the process: it prints no time since then
        try {
            return runLines();
        } finally {
            ProcessClock.leaveBatch();
        }
    }

    private Integer runLines() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CommandLine inner = Cli.newCommandLine();
        inner.setDefaultValueProvider(arg -> arg instanceof OptionSpec o ? defaultFromBatch(o) : null);
        inner.setExecutionStrategy(this::runUnlessItChoosesTheHost);
        if (!Boolean.getBoolean(NO_WARM_UP)) {
            BatchWarmUp.run(inner);
        }
        int firstFailure = 0;
        try (Utf8Input.LineReader in = open()) {
            int lineNo = 0;
            while (true) {
                String line;
                String notACommand = null;
                try {
                    line = in.readLine();
                } catch (HostdevException notUtf8) {
                    // the user's error on this line, reported as for any line that is not a command
                    line = "";
                    notACommand = notUtf8.getMessage();
                }
                if (line == null) {
                    break;
                }
                lineNo++;
                List<String> words = List.of();
                try {
                    words = notACommand == null ? ShellWords.split(line) : List.of();
                } catch (IllegalArgumentException e) {
                    notACommand = "line " + lineNo + " is not a command: " + e.getMessage();
                }
                if (words.isEmpty() && notACommand == null) {
                    continue;
                }
                if (!words.isEmpty() && words.get(0).equals("batch")) {
                    notACommand = "line " + lineNo + ": a batch cannot run another batch";
                }
                int exit = run(inner, line, lineNo, words, notACommand, out, err);
                if (exit != 0 && firstFailure == 0) {
                    firstFailure = exit;
                }
                if (exit != 0 && !keepGoing) {
                    if (!json.enabled()) {
                        err.println("hostdev: batch stopped at line " + lineNo + " (exit " + exit + "); the lines after it were not run");
                        err.println("hint: --keep-going runs every line");
                        err.flush();
                    }
                    return exit;
                }
            }
        }
        return firstFailure;
    }

    /** Runs one line; its output goes straight through, or, under --json, into one JSON line. */
    private int run(CommandLine inner, String line, int lineNo, List<String> words, String notACommand, PrintWriter out,
            PrintWriter err) {
        StringWriter capturedOut = new StringWriter();
        StringWriter capturedErr = new StringWriter();
        PrintWriter lineOut = json.enabled() ? new PrintWriter(capturedOut) : out;
        PrintWriter lineErr = json.enabled() ? new PrintWriter(capturedErr) : err;
        int exit;
        if (notACommand != null) {
            ErrorReporter.report(lineOut, lineErr, HostdevException.usage(notACommand,
                    "write one hostdev command per line, without the word 'hostdev', quoted as for a shell"), false);
            exit = ErrorCode.USAGE.exitStatus();
        } else {
            inner.setOut(lineOut);
            inner.setErr(lineErr);
            exit = inner.execute(words.toArray(String[]::new));
        }
        lineOut.flush();
        lineErr.flush();
        if (json.enabled()) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.put("line", lineNo).put("command", line).put("exit", exit).put("stdout", capturedOut.toString())
                    .put("stderr", capturedErr.toString());
            JsonLine.print(out, o);
        }
        return exit;
    }

    /**
     * Runs a parsed line, unless it gives an option that chooses which host (or run directory) is
     * touched: those are the batch's, fixed for every line, so that {@code batch --root TREE} is
     * confined to TREE whatever its lines say.
     */
    private int runUnlessItChoosesTheHost(ParseResult line) {
        for (ParseResult p = line; p != null; p = p.subcommand()) {
            for (String option : HOST_CHOOSING_OPTIONS) {
                if (p.hasMatchedOption(option)) {
                    throw new ParameterException(p.commandSpec().commandLine(), option + " is fixed for the whole batch ("
                            + batchValue(option) + "): a line cannot choose another host or run directory; give " + option
                            + " to 'hostdev batch' itself, or run another batch");
                }
            }
        }
        return new CommandLine.RunLast().execute(line);
    }

    private String batchValue(String option) {
        Optional<Path> value = option.equals("--root") ? common.rootOption() : common.runDir();
        return value.map(Path::toString).orElse(option.equals("--root") ? "/" : "the default");
    }

    /** The batch's own --root, --run-dir and -v are every line's defaults; -v may be given by a line, the others may not. */
    private String defaultFromBatch(OptionSpec o) {
        if (o.longestName().equals("--root")) {
            return common.rootOption().map(Path::toString).orElse(null);
        }
        if (o.longestName().equals("--run-dir")) {
            return common.runDir().map(Path::toString).orElse(null);
        }
        if (o.longestName().equals("--verbose") && common.verbose()) {
            return "true";
        }
        return null;
    }

    private Utf8Input.LineReader open() throws IOException {
        if (file.equals("-")) {
            return new Utf8Input.LineReader(new BufferedInputStream(System.in), "the batch on standard input");
        }
        try {
            return new Utf8Input.LineReader(new BufferedInputStream(Files.newInputStream(Path.of(file))), "batch file " + file);
        } catch (NoSuchFileException e) {
            throw HostdevException.notFound("no batch file " + file, "give a file of hostdev commands, or '-' for standard input");
        }
    }
}
