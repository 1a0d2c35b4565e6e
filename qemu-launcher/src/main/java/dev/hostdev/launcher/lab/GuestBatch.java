package dev.hostdev.launcher.lab;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hostdev.launcher.cli.Cli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * Runs many steps in one JVM inside the lab guest, where each JVM start costs seconds: Hostdev
 * commands through the same {@link Cli#newCommandLine()} as {@code hostdev} itself (fresh per step,
 * output captured, exit status as the CLI's), and shell commands in between to check the kernel's
 * view. Reads a JSON list of {@link BatchStep}s, writes a JSON list of {@link StepOutcome}s after every
 * step (so a crash leaves what was done), and never stops early: later steps report their own state.
 *
 * <p>Usage: {@code java -cp hostdev.jar dev.hostdev.launcher.lab.GuestBatch STEPS.json OUTCOMES.json}
 */
public final class GuestBatch {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SHELL_TIMEOUT_SECONDS = 120;

    private GuestBatch() {
    }

    /** Entry point; exits 0 when the batch ran (whatever the steps' statuses), 2 on bad arguments. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: GuestBatch STEPS.json OUTCOMES.json");
            System.exit(2);
        }
        List<BatchStep> steps = JSON.readValue(Path.of(args[0]).toFile(), new TypeReference<List<BatchStep>>() { });
        run(steps, Path.of(args[1]));
        System.exit(0);
    }

    /** Runs the steps in order, rewriting {@code outcomes} after each. */
    public static List<StepOutcome> run(List<BatchStep> steps, Path outcomes) throws IOException {
        List<StepOutcome> done = new ArrayList<>();
        java.util.Map<String, String> vars = new java.util.HashMap<>();
        for (BatchStep template : steps) {
            BatchStep step = template.substitute(vars);
            long start = System.nanoTime();
            StepOutcome o = step.hostdev() != null ? runHostdev(step) : runShell(step);
            done.add(new StepOutcome(o.name(), o.exit(), o.stdout(), o.stderr(), (System.nanoTime() - start) / 1_000_000,
                    o.notWritten()));
            if (step.capture() != null) {
                capture(step, o.stdout(), vars);
            }
            Path tmp = outcomes.resolveSibling(outcomes.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), done);
            Files.move(tmp, outcomes, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        return done;
    }

    private static void capture(BatchStep step, String stdout, java.util.Map<String, String> vars) {
        try {
            com.fasterxml.jackson.databind.JsonNode value = JSON.readTree(stdout).at(step.capture());
            if (!value.isMissingNode() && !value.isNull()) {
                vars.put(step.name(), value.isValueNode() ? value.asText() : value.toString());
            }
        } catch (IOException | RuntimeException notJson) {
            // the step failed or printed no JSON: later steps see {{name}} unreplaced and fail visibly
        }
    }

    private static StepOutcome runHostdev(BatchStep step) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // Commands should print through picocli's writers; catch anything printed straight to System.out too.
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        ByteArrayOutputStream rawOut = new ByteArrayOutputStream();
        ByteArrayOutputStream rawErr = new ByteArrayOutputStream();
        int exit;
        boolean placeholder = false;
        try {
            System.setOut(new PrintStream(rawOut, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(rawErr, true, StandardCharsets.UTF_8));
            CommandLine cl = Cli.newCommandLine();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            exit = cl.execute(step.hostdev().toArray(String[]::new));
            placeholder = exit == 2 && isPlaceholder(cl, step.hostdev());
        } catch (RuntimeException | Error e) {
            err.write("batch: " + e + "\n");
            exit = 70;
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
        return new StepOutcome(step.name(), exit, out + rawOut.toString(StandardCharsets.UTF_8),
                err + rawErr.toString(StandardCharsets.UTF_8), 0, placeholder);
    }

    /**
     * Whether the subcommand the arguments name is still a placeholder of the project's skeleton: it
     * takes no arguments and no options beyond the common ones, so any argument is a usage error.
     */
    static boolean isPlaceholder(CommandLine root, List<String> args) {
        CommandLine cmd = root;
        for (String a : args) {
            CommandLine sub = cmd.getSubcommands().get(a);
            if (sub == null) {
                break;
            }
            cmd = sub;
        }
        if (cmd == root || !cmd.getSubcommands().isEmpty()) {
            return false;
        }
        java.util.Set<String> common = java.util.Set.of("--help", "--version", "--root", "--run-dir", "--verbose");
        return cmd.getCommandSpec().positionalParameters().isEmpty()
                && cmd.getCommandSpec().options().stream().allMatch(o -> common.contains(o.longestName()));
    }

    private static StepOutcome runShell(BatchStep step) {
        try {
            Process p = new ProcessBuilder("/bin/sh", "-c", step.sh()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            byte[][] streams = new byte[2][];
            Thread errReader = new Thread(() -> streams[1] = readAll(p.getErrorStream()));
            errReader.start();
            streams[0] = readAll(p.getInputStream());
            if (!p.waitFor(SHELL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new StepOutcome(step.name(), 137, "", "batch: killed after " + SHELL_TIMEOUT_SECONDS + " s", 0, false);
            }
            errReader.join();
            return new StepOutcome(step.name(), p.exitValue(), new String(streams[0], StandardCharsets.UTF_8),
                    new String(streams[1], StandardCharsets.UTF_8), 0, false);
        } catch (IOException e) {
            return new StepOutcome(step.name(), 127, "", "batch: " + e.getMessage(), 0, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new StepOutcome(step.name(), 130, "", "batch: interrupted", 0, false);
        }
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
