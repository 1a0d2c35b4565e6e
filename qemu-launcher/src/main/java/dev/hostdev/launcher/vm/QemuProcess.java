package dev.hostdev.launcher.vm;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A QEMU process Hostdev started: spawned from an argument list (never a shell) in a session of its
 * own, so it outlives the command that started it and a terminal's hangup; its output goes to the
 * VM's {@code qemu.log}. Closing it kills QEMU unless {@link #release() released} to run on.
 */
public final class QemuProcess implements AutoCloseable {
    private static final Path SETSID = Path.of("/usr/bin/setsid");

    /** QEMU as this JVM's child, or {@code null} when it is the child of a {@link ShellWaiter}. */
    private final Process process;
    private final ProcessHandle handle;
    /** The waiter QEMU is the child of, or {@code null}. */
    private final ProcessHandle waiter;
    private final List<String> argv;
    private final Path log;
    private boolean released;

    private QemuProcess(Process process, List<String> argv, Path log) {
        this(process, process.toHandle(), null, argv, log);
    }

    private QemuProcess(Process process, ProcessHandle handle, ProcessHandle waiter, List<String> argv, Path log) {
        this.process = process;
        this.handle = handle;
        this.waiter = waiter;
        this.argv = argv;
        this.log = log;
    }

    /**
     * Starts QEMU as the child of a {@link ShellWaiter}, which execs the clean-up once QEMU has ended.
     *
     * @param argv       QEMU's argument list, binary first
     * @param log        where its standard output and error go (appended)
     * @param cleanupLog where the waiter's and the clean-up's output go
     * @param java       the clean-up's java
     * @param cleanupArgs the clean-up's argument file
     */
    public static QemuProcess startWaited(List<String> argv, Path log, Path cleanupLog, String java, Path cleanupArgs,
                                          java.util.Map<String, String> env) {
        ShellWaiter.Waited w = ShellWaiter.start(argv, log, cleanupLog, java, cleanupArgs, env);
        return new QemuProcess(null, w.qemu(), w.waiter(), List.copyOf(argv), log);
    }

    /** The waiter's identity (the VM's supervisor while QEMU runs), or {@code null} when QEMU has none. */
    public ProcessIdentity waiterIdentity() {
        return waiter == null ? null : ProcessIdentity.of(waiter, "/bin/sh");
    }

    /**
     * Starts QEMU.
     *
     * @param argv       QEMU's argument list, binary first
     * @param log        where its standard output and error go (appended)
     * @param ownSession start it in a new session ({@code setsid}): it then survives its starter's terminal
     * @throws HostdevException (ENVIRONMENT) when the binary cannot be run
     */
    public static QemuProcess start(List<String> argv, Path log, boolean ownSession) {
        List<String> command = new ArrayList<>();
        if (ownSession && Files.isExecutable(SETSID)) {
            // setsid execs in place when its caller is no group leader (a JVM's child never is): same pid
            command.add(SETSID.toString());
        }
        command.addAll(argv);
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectErrorStream(true);
        try {
            return new QemuProcess(pb.start(), List.copyOf(argv), log);
        } catch (IOException e) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "cannot run " + argv.get(0) + ": " + e.getMessage(),
                    "install QEMU (Debian: apt-get install qemu-system-x86) or set 'emulator' in the spec", e);
        }
    }

    /** QEMU's pid. */
    public long pid() {
        return handle.pid();
    }

    /** Its identity (pid, start time, QEMU's executable). */
    public ProcessIdentity identity() {
        return ProcessIdentity.of(handle, argv.get(0));
    }

    /**
     * Whether it still runs. For this JVM's own child, until the JDK has reaped it: its handle says "ended" as soon as it
     * is a zombie, before {@link #exitValue()} can be read.
     */
    public boolean isAlive() {
        return process != null ? process.isAlive() : handle.isAlive();
    }

    /**
     * Its exit status once it has ended (a signal shows as 128 + its number, as a shell does).
     *
     * @throws IllegalStateException for a QEMU under a waiter: the waiter hears its status
     */
    public int exitValue() {
        if (process == null) {
            throw new IllegalStateException("QEMU's exit status goes to its waiter");
        }
        try {
            process.waitFor(); // an ended child may not be reaped yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return process.exitValue();
    }

    /** The argument list it was started with. */
    public List<String> argv() {
        return argv;
    }

    /** Waits for {@code readiness}; on failure QEMU is killed and the error carries its output. */
    public <T> T awaitReady(ReadinessStrategy<T> readiness, Duration timeout) {
        return readiness.await(this, timeout);
    }

    /**
     * An error for a QEMU that failed to start: QEMU's exit status and the end of its output, which
     * names what it refused (a device, a file, an option).
     */
    public HostdevException launchFailure(String what) {
        String status = "";
        try {
            if (process == null) {
                handle.onExit().get(2, TimeUnit.SECONDS);
            } else if (process.waitFor(2, TimeUnit.SECONDS)) {
                status = " (exit status " + process.exitValue() + ")";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // still there: the error says so without a status
        }
        return new HostdevException(ErrorCode.QEMU, what + status + ": " + lastLines(log, 8),
                "QEMU's whole output is in " + log);
    }

    /** The last lines of QEMU's output, joined, for error messages. */
    static String lastLines(Path log, int n) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
            return lines.isEmpty() ? "(QEMU printed nothing)" : String.join(" | ", lines.subList(Math.max(0, lines.size() - n), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** Leaves QEMU running when this object is closed. */
    public void release() {
        released = true;
    }

    /** Kills QEMU (SIGKILL) and waits for it, unless released. */
    @Override
    public void close() {
        if (released) {
            return;
        }
        if (waiter != null) {
            waiter.destroyForcibly(); // first: a failed start is undone here, not by a clean-up JVM
        }
        handle.destroyForcibly();
        try {
            handle.onExit().get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // stuck in the kernel: nothing more to do here
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
