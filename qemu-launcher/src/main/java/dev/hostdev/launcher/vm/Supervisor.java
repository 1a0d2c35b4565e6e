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
 * SIGKILL): managed devices go back to their drivers and how QEMU ended is recorded. It runs as
 * {@code hostdev vm supervise NAME}, a process of its own in a session of its own, started by
 * {@code vm start}. Not being QEMU's parent, it cannot read QEMU's exit status; instead it holds QEMU's
 * second QMP monitor ({@code supervisor.sock}; the first stays free for users and other commands) and
 * hears the {@code SHUTDOWN} event with its reason. QEMU gone without that event is a crash.
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
     * Starts {@code hostdev vm supervise NAME} with this JVM and class path, detached.
     *
     * @param vmsDir where the VMs' runtime directories are (passed as HOSTDEV_RUN_DIR)
     * @param root   the host root (passed as --root)
     */
    public static ProcessIdentity spawn(VmRuntimeDir dir, Path vmsDir, Path root) {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            cmd.add("/usr/bin/setsid");
        }
        String classPath = absoluteClassPath();
        cmd.add(java);
        cmd.addAll(JVM_OPTIONS);
        cmd.addAll(sharedArchive(classPath));
        cmd.addAll(jnaLibrary(classPath));
        cmd.addAll(List.of("-cp", classPath, "dev.hostdev.launcher.cli.Main", "vm", "supervise", dir.name(), "--root", root.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.supervisorLog().toFile()))
                .redirectErrorStream(true);
        pb.environment().put("HOSTDEV_RUN_DIR", vmsDir.toString());
        pb.environment().put("MALLOC_ARENA_MAX", "1"); // one malloc arena: the JVM's few native allocations need no more
        try {
            return ProcessIdentity.of(pb.start().toHandle(), java);
        } catch (IOException e) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "cannot start the supervisor of VM " + dir.name() + ": " + e.getMessage(),
                    null, e);
        }
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
