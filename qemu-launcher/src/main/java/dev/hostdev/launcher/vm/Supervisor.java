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
        cmd.addAll(List.of(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx64m"));
        cmd.addAll(sharedArchive(classPath));
        cmd.addAll(List.of("-cp", classPath, "dev.hostdev.launcher.cli.Main", "vm", "supervise", dir.name(), "--root", root.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.supervisorLog().toFile()))
                .redirectErrorStream(true);
        pb.environment().put("HOSTDEV_RUN_DIR", vmsDir.toString());
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
     * The class-data-sharing archive the {@code hostdev} script keeps beside the jar for commands other
     * than list, when there is one: the supervisor then starts in about half the time.
     */
    private static List<String> sharedArchive(String classPath) {
        if (classPath.contains(java.io.File.pathSeparator) || !classPath.endsWith(".jar")) {
            return List.of();
        }
        Path jar = Path.of(classPath);
        Path archive = jar.resolveSibling("hostdev-all.jsa");
        try {
            if (Files.isRegularFile(archive) && Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) >= 0) {
                return List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto");
            }
        } catch (IOException e) {
            // no archive then
        }
        return List.of();
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
