package dev.hostdev.launcher.vm;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Watches a VM's QEMU and cleans up when it ends, however it ends (stop, crash, SIGKILL): managed
 * devices go back to their drivers. It runs as {@code hostdev vm supervise NAME}, a process of its
 * own in a session of its own, started by {@code vm start}; it holds no QMP connection (QEMU serves one
 * client at a time) and only polls QEMU's pid.
 */
public final class Supervisor {
    private static final long POLL_MILLIS = 100;

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
        cmd.addAll(List.of(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx64m", "-cp", absoluteClassPath(),
                "dev.hostdev.launcher.cli.Main", "vm", "supervise", dir.name(), "--root", root.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.supervisorLog().toFile()))
                .redirectErrorStream(true);
        pb.environment().put("HOSTDEV_RUN_DIR", vmsDir.toString());
        try {
            return ProcessIdentity.of(pb.start().toHandle());
        } catch (IOException e) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "cannot start the supervisor of VM " + dir.name() + ": " + e.getMessage(),
                    null, e);
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
        while (r.qemu() != null && r.qemu().isAlive()) {
            Thread.sleep(POLL_MILLIS);
        }
        log.println(Instant.now() + " QEMU has ended; cleaning up");
        log.flush();
        VmRecord after = new VmCleanup(dir, managed, log).afterExit();
        log.println(Instant.now() + " VM " + dir.name() + " is " + after.state().jsonName());
        log.flush();
        return after;
    }
}
