package dev.hostdev.launcher.lab;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One step of a {@link GuestBatch}: either a Hostdev command line (run in the batch's JVM, exactly as
 * {@code hostdev ARGS} would run it) or a shell command (run by {@code /bin/sh -c}).
 *
 * @param name    a label for the report
 * @param hostdev the arguments of {@code hostdev}, or {@code null}
 * @param sh      a shell command, or {@code null}
 * @param capture a JSON pointer into the step's standard output (parsed as JSON) whose value later
 *                steps can use as {@code {{name}}} in their arguments or command, or {@code null}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BatchStep(String name, List<String> hostdev, String sh, String capture) {
    /** Exactly one of {@code hostdev} and {@code sh}. */
    public BatchStep {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a batch step needs a name");
        }
        if ((hostdev == null) == (sh == null)) {
            throw new IllegalArgumentException("batch step " + name + ": give either hostdev arguments or a shell command");
        }
        hostdev = hostdev == null ? null : List.copyOf(hostdev);
    }

    /** A step running {@code hostdev ARGS}. */
    public static BatchStep hostdev(String name, String... args) {
        return new BatchStep(name, List.of(args), null, null);
    }

    /** A step running a shell command. */
    public static BatchStep sh(String name, String command) {
        return new BatchStep(name, null, command, null);
    }

    /** This step, capturing the value at {@code jsonPointer} of its JSON output as {@code {{name}}}. */
    public BatchStep capturing(String jsonPointer) {
        return new BatchStep(name, hostdev, sh, jsonPointer);
    }

    /** This step with every {@code {{var}}} replaced by its captured value (unknown ones are left as they are). */
    public BatchStep substitute(java.util.Map<String, String> vars) {
        java.util.function.UnaryOperator<String> sub = s -> {
            String out = s;
            for (var e : vars.entrySet()) {
                out = out.replace("{{" + e.getKey() + "}}", e.getValue());
            }
            return out;
        };
        return new BatchStep(name, hostdev == null ? null : hostdev.stream().map(sub).toList(),
                sh == null ? null : sub.apply(sh), capture);
    }

    /** How the step reads in a transcript: {@code hostdev detach 01:00.0} or the shell command. */
    public String display() {
        return hostdev != null ? "hostdev " + String.join(" ", hostdev) : sh;
    }
}
