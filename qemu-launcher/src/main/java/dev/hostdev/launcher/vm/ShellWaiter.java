package dev.hostdev.launcher.vm;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A VM's supervisor while QEMU runs: a {@code /bin/sh} (dash: about 1 MiB) in a session of its own that starts QEMU
 * as its child, {@code wait}s for it, and then execs the clean-up JVM ({@code hostdev vm supervise NAME --qemu-pid
 * PID --after-exit STATUS}) with QEMU's exit status (a signal as 128 + N). Being QEMU's parent it hears every end,
 * from the first instant: no window before anyone listens. No JVM stays resident while the VM runs.
 *
 * <p>The waiter is a subshell put in the background by the shell this JVM starts, which ends at once: {@code vm start}
 * then has no child left when it exits. A child still running would keep the JVM's process reaper in a native
 * {@code waitpid}, and a JVM that exits waits 300 ms for each thread in native code to stop.
 *
 * <p>Nothing is interpolated into the script: the paths, the clean-up command's argument file and QEMU's argument
 * list are its positional parameters.
 */
public final class ShellWaiter {
    private static final Path SH = Path.of("/bin/sh");
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    /**
     * $1 QEMU's log, $2 the clean-up's log, $3 java, $4 the clean-up's argument file, then QEMU's argv. Prints
     * {@code waiter PID} and {@code qemu PID} on its standard output, in either order, and closes it.
     */
    static final String SCRIPT = "qemu_log=$1; cleanup_log=$2; java=$3; args=$4; shift 4\n"
            // the substitution ends when the waiter closes its output, once it has said QEMU's pid; this shell then
            // prints both pids and ends: the JVM reads its output to the end only while it runs
            + "pids=$(\n"
            + "(\n"
            + "\"$@\" </dev/null >>\"$qemu_log\" 2>&1 &\n"
            + "qemu=$!\n"
            + "echo \"qemu $qemu\"\n"
            + "exec >/dev/null\n"
            + "wait \"$qemu\"\n"
            + "status=$?\n"
            + "exec \"$java\" \"@$args\" --qemu-pid \"$qemu\" --after-exit \"$status\" </dev/null >>\"$cleanup_log\" 2>&1\n"
            + ") &\n"
            + "echo \"waiter $!\"\n"
            + ")\n"
            + "echo \"$pids\"\n";

    private ShellWaiter() {
    }

    /** A QEMU started under a waiter, and the waiter. */
    public record Waited(ProcessHandle qemu, ProcessHandle waiter) {
    }

    /**
     * Starts the waiter, which starts QEMU.
     *
     * @param qemuArgv    QEMU's argument list, binary first
     * @param qemuLog     where QEMU's output goes (appended)
     * @param cleanupLog  where the waiter's and the clean-up's output go (appended)
     * @param java        the java executable of the clean-up
     * @param cleanupArgs the clean-up's argument file ({@code java @file}): JVM options, class path, main class and
     *                    {@code vm supervise NAME --root ROOT}
     */
    public static Waited start(List<String> qemuArgv, Path qemuLog, Path cleanupLog, String java, Path cleanupArgs,
                               Map<String, String> env) {
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            cmd.add(SETSID.toString()); // a session of its own: the waiter and QEMU outlive vm start's terminal
        }
        cmd.addAll(List.of(SH.toString(), "-c", SCRIPT, "hostdev-waiter", qemuLog.toString(), cleanupLog.toString(), java,
                cleanupArgs.toString()));
        cmd.addAll(qemuArgv);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(cleanupLog.toFile()));
        pb.environment().putAll(env);
        Process starter;
        try {
            starter = pb.start();
        } catch (IOException e) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "cannot start the waiter of " + qemuArgv.get(0) + ": " + e.getMessage(),
                    "Hostdev needs /bin/sh", e);
        }
        Map<String, Long> pids = new HashMap<>();
        List<String> said = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(starter.getInputStream(), StandardCharsets.US_ASCII))) {
            for (String line; said.size() < 4 && (line = r.readLine()) != null; ) {
                said.add(line);
                String[] w = line.split(" ");
                if (w.length == 2 && (w[0].equals("qemu") || w[0].equals("waiter")) && w[1].matches("[0-9]{1,10}")) {
                    pids.putIfAbsent(w[0], Long.parseLong(w[1]));
                }
            }
        } catch (IOException e) {
            // what was read is judged below
        }
        ProcessHandle waiter = pids.containsKey("waiter") ? ProcessHandle.of(pids.get("waiter")).orElse(null) : null;
        ProcessHandle qemu = pids.containsKey("qemu") ? ProcessHandle.of(pids.get("qemu")).orElse(null) : null;
        if (waiter == null || qemu == null || qemu.parent().map(p -> p.pid() != waiter.pid()).orElse(false)) {
            if (waiter != null) {
                waiter.destroyForcibly();
            }
            if (qemu != null) {
                qemu.destroyForcibly();
            }
            throw new HostdevException(ErrorCode.QEMU, "QEMU did not start under its waiter (it said " + said + ")",
                    "see " + cleanupLog + " and " + qemuLog);
        }
        return new Waited(qemu, waiter);
    }
}
