package dev.hostdev.launcher.vm;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Watches a VM's QEMU and cleans up when it ends, however it ends (stop, guest power-off, crash,
 * SIGKILL): managed devices go back to their drivers and how QEMU ended is recorded. While QEMU runs, the
 * supervisor is a {@link ShellWaiter} (a shell, QEMU's parent); once QEMU has ended the waiter execs
 * {@code hostdev vm supervise NAME --qemu-pid PID --after-exit STATUS} ({@link #afterExit}). Run by hand without
 * those options, {@code vm supervise NAME} still watches an older VM as before ({@link #watch}): it holds QEMU's
 * second QMP monitor ({@code supervisor.sock}) and hears the {@code SHUTDOWN} event with its reason.
 */
public final class Supervisor {
    /** How long the supervisor keeps trying to reach QEMU's monitor (QEMU may still be starting). */
    private static final Duration CONNECT_WAIT = Duration.ofSeconds(30);
    /**
     * A JVM sized for its one job, which is mostly waiting: a small serial heap (it holds a VM record and QMP
     * events), one compiler thread of C1 only, a small code cache and thread stacks, no perf data file. Measured
     * in docs/benchmarks.md ("the supervisor"): the memory a supervisor holds is mostly the JVM itself, its
     * classes and its class-data archive, which these options do not change much.
     */
    static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1",
            "-Xms4m", "-Xmx32m", "-Xss512k", "-XX:ReservedCodeCacheSize=8m", "-XX:-UsePerfData");

    private Supervisor() {
    }

    /**
     * The clean-up a {@link ShellWaiter} execs once QEMU has ended: {@code java @argFile --qemu-pid PID --after-exit STATUS}.
     *
     * @param java    the java executable
     * @param argFile JVM options, class path, main class and {@code vm supervise NAME --root ROOT}, one per line
     * @param env     what the clean-up's environment needs beyond the waiter's
     */
    public record Cleanup(String java, Path argFile, java.util.Map<String, String> env) {
    }

    /**
     * The clean-up of a VM as this JVM would run it: writes its argument file ({@code supervise.args}, in the VM's
     * runtime directory, which only Hostdev writes) and names this JVM's java.
     *
     * @param vmsDir where the VMs' runtime directories are (passed as HOSTDEV_RUN_DIR)
     * @param root   the host root (passed as --root)
     */
    public static Cleanup cleanup(VmRuntimeDir dir, Path vmsDir, Path root) {
        String javaBin = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String classPath = absoluteClassPath();
        List<String> args = new ArrayList<>(JVM_OPTIONS);
        args.addAll(sharedArchive(classPath));
        args.addAll(jnaLibrary(classPath));
        args.addAll(List.of("-cp", classPath, "dev.hostdev.launcher.cli.Main", "vm", "supervise", dir.name(), "--root", root.toString()));
        Path file = dir.dir().resolve("supervise.args");
        dev.hostdev.engine.state.AtomicFile.write(file, argFile(args).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return new Cleanup(javaBin, file, java.util.Map.of("HOSTDEV_RUN_DIR", vmsDir.toString(),
                "MALLOC_ARENA_MAX", "1")); // one malloc arena: the JVM's few native allocations need no more
    }

    /** A java argument file: every argument quoted, so spaces and quotes in paths stay one argument. */
    static String argFile(List<String> args) {
        StringBuilder b = new StringBuilder();
        for (String a : args) {
            b.append('"').append(a.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"\n");
        }
        return b.toString();
    }

    /**
     * QEMU's argument list as a waiter runs it: without {@code -action shutdown=pause} (its waiter, QEMU's parent,
     * hears a power-off however early; nobody would resume a paused QEMU) and with QEMU's shutdown requests traced to
     * {@code shutdown.trace} in the VM's directory, which tells the clean-up why QEMU exited (a guest power-off, a
     * QMP quit, a signal) without any process holding a monitor.
     */
    public static List<String> waitedArgv(List<String> argv, Path trace) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < argv.size(); i++) {
            if (argv.get(i).equals("-action") && i + 1 < argv.size() && argv.get(i + 1).equals("shutdown=pause")) {
                i++;
                continue;
            }
            out.add(argv.get(i));
        }
        out.addAll(List.of("-trace", "enable=" + ExitReason.TRACE_EVENT, "-D", trace.toString()));
        return out;
    }

    /**
     * The clean-up a waiter execs ({@code vm supervise NAME --qemu-pid PID --after-exit STATUS}): QEMU pid {@code qemuPid}
     * has ended with {@code status}; unless the record is of another QEMU since, the end is recorded (from the status
     * and QEMU's shutdown trace) and managed devices are given back. Nothing to do when {@code vm stop} has done it.
     */
    public static VmRecord afterExit(VmRuntimeDir dir, ManagedDevices managed, long qemuPid, int status, PrintWriter log) {
        VmEnd end = ExitReason.of(status, ExitReason.traceFile(dir), dir.qemuLog());
        log.println(Instant.now() + " QEMU pid " + qemuPid + " of VM " + dir.name() + " has ended: " + ExitReason.describeStatus(status)
                + "; " + end.describe());
        log.flush();
        VmRecord r = dir.require();
        if (r.qemu() != null && r.qemu().pid() != qemuPid) {
            log.println("the record is of another QEMU (pid " + r.qemu().pid() + ") now: nothing to do");
            log.flush();
            return r;
        }
        VmRecord after = new VmCleanup(dir, managed, log).afterExit(end);
        log.println(Instant.now() + " VM " + dir.name() + " is " + after.state().jsonName()
                + (after.ended() == null ? "" : ": " + after.ended().describe()));
        log.flush();
        return after;
    }

    /** Records the end as soon as it is heard, so status shows it even while QEMU is finishing. */
    private static void record(VmRuntimeDir dir, VmEnd heard, PrintWriter log) {
        log.println(Instant.now() + " QEMU sent SHUTDOWN: " + heard.describe());
        log.flush();
        try (VmRuntimeDir.Lock lock = dir.lock("record the end", Duration.ofSeconds(5))) {
            VmRecord r = dir.require();
            if (r.state().hasProcess()) {
                dir.write(r.withEnded(heard));
            }
        } catch (HostdevException e) {
            // the cleanup that follows records it anyway
            log.println("could not record the end yet: " + e.getMessage());
        }
    }

    /**
     * The class-data-sharing archive the {@code hostdev} script keeps beside the jar, when there is a fresh one that
     * is as trusted as the jar (see {@link #trusted}): the supervisor's own ({@code hostdev-supervise.jsa}, only the
     * classes a supervisor loads: the JVM relocates, and so dirties, every page of the archive it maps, so a smaller
     * archive is memory each VM saves), else the one for every command. The supervisor then starts in about half the time.
     */
    static List<String> sharedArchive(String classPath) {
        Path jar = jarOf(classPath);
        if (jar == null) {
            return List.of();
        }
        for (String name : List.of("hostdev-supervise.jsa", "hostdev-all.jsa")) {
            Path archive = jar.resolveSibling(name);
            if (freshBeside(archive, jar) && trusted(archive)) {
                return List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto");
            }
        }
        return List.of();
    }

    /** JNA's native library as the script takes it out of the jar ({@code jna/libjnidispatch.so}), when fresh and trusted. */
    static List<String> jnaLibrary(String classPath) {
        Path jar = jarOf(classPath);
        if (jar == null) {
            return List.of();
        }
        Path dir = jar.resolveSibling("jna");
        Path lib = dir.resolve("libjnidispatch.so");
        if (freshBeside(lib, jar) && trusted(dir) && trusted(lib)) {
            return List.of("-Djna.boot.library.path=" + dir, "-Djna.nosys=true");
        }
        return List.of();
    }

    private static Path jarOf(String classPath) {
        if (classPath.contains(java.io.File.pathSeparator) || !classPath.endsWith(".jar")) {
            return null;
        }
        return Path.of(classPath);
    }

    private static boolean freshBeside(Path file, Path jar) {
        try {
            return Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                    && Files.getLastModifiedTime(file).compareTo(Files.getLastModifiedTime(jar)) >= 0;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * An archive or native library is code the supervisor's JVM runs as root: it must belong to root or to the user
     * running Hostdev and be writable by nobody else (the rule the {@code hostdev} script applies; a link is refused).
     */
    static boolean trusted(Path p) {
        try {
            int uid = (Integer) Files.getAttribute(p, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) Files.getAttribute(p, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
            int self = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return !Files.isSymbolicLink(p) && (uid == 0 || uid == self) && (mode & 0022) == 0;
        } catch (IOException | UnsupportedOperationException | ClassCastException e) {
            return false;
        }
    }

    /** This JVM's class path with every entry absolute: the supervisor must not depend on the directory it runs in. */
    private static String absoluteClassPath() {
        return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .map(e -> Path.of(e).toAbsolutePath().toString())
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    /**
     * Waits for the VM's QEMU to end, then cleans up. Returns at once (after cleaning up) if it has
     * already ended.
     */
    public static VmRecord watch(VmRuntimeDir dir, ManagedDevices managed, PrintWriter log) throws InterruptedException {
        VmRecord r = dir.require();
        log.println(Instant.now() + " supervising VM " + dir.name() + (r.qemu() == null ? "" : " (QEMU pid " + r.qemu().pid() + ")"));
        log.flush();
        VmEnd end;
        try (ShutdownListener listener = ShutdownListener.connect(dir, r.qemu(), CONNECT_WAIT, log)) {
            if (listener.listening()) {
                log.println(Instant.now() + " listening for SHUTDOWN on " + dir.supervisorSocket());
                log.flush();
            }
            end = listener.awaitEnd(heard -> record(dir, heard, log));
        }
        log.println(Instant.now() + " QEMU has ended: " + end.describe() + "; cleaning up");
        log.flush();
        VmRecord after = new VmCleanup(dir, managed, log).afterExit(end);
        log.println(Instant.now() + " VM " + dir.name() + " is " + after.state().jsonName()
                + (after.ended() == null ? "" : ": " + after.ended().describe()));
        log.flush();
        return after;
    }
}
