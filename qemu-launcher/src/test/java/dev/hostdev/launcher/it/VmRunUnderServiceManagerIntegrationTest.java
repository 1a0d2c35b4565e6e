package dev.hostdev.launcher.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.launcher.cli.CliRun;
import dev.hostdev.launcher.lab.NewcCpioWriter;
import dev.hostdev.launcher.qmp.QmpClient;
import dev.hostdev.launcher.qmp.QmpOptions;
import dev.hostdev.launcher.vm.NotifySocketListener;
import dev.hostdev.launcher.vm.VmRecord;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import dev.hostdev.launcher.vm.VmState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hostdev vm run} driven as systemd drives a {@code Type=notify} unit with {@code KillMode=mixed}, with
 * the real qemu-system-x86_64 (TCG): the test binds the {@code NOTIFY_SOCKET} datagram socket, runs
 * {@code vm run} as a process of its own, receives READY=1 once QMP answers, sends SIGTERM to that process
 * only, and reads the exit status and the VM record. A guest that honours the ACPI power button (this
 * machine's kernel with a busybox init that powers off on the button's input event) ends with status 0; QEMU
 * with no guest ignores {@code system_powerdown} and is forced off after the stop timeout (status 10); QEMU
 * killed from outside is status 13. Every process started here is killed by pid afterwards.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class VmRunUnderServiceManagerIntegrationTest {
    private static final String READY_LINE = "hostdev-test: power button armed";

    @TempDir
    Path root;

    private Path spec;
    private VmRuntimeDir dir;
    private NotifySocketListener notify;
    private Process run;
    private final StartedVms started = new StartedVms();

    @BeforeEach
    void spec() throws Exception {
        assumeTrue(RealQemu.binary().isPresent(), RealQemu.SKIP);
        spec = root.resolve("svc.toml");
        Files.writeString(spec, """
                name = "svc"
                memory = "256M"
                cpus = 1
                accel = "tcg"
                spare_root_ports = 1
                """);
        dir = started.dir(root, "svc");
        notify = NotifySocketListener.bind("@hostdev-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
    }

    @AfterEach
    void killWhatWeStarted() {
        if (run != null) {
            run.destroyForcibly();
        }
        started.killAll();
        if (notify != null) {
            notify.close();
        }
    }

    /** Starts {@code hostdev vm run SPEC} in a JVM of its own, as a unit's ExecStart would, with NOTIFY_SOCKET set. */
    private Process vmRun(String... extra) throws Exception {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), "dev.hostdev.launcher.cli.Main",
                "vm", "run", spec.toString(), "--root", root.toString()));
        cmd.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(root.resolve("vm-run.out").toFile());
        pb.environment().put("NOTIFY_SOCKET", notify.name());
        pb.environment().remove("HOSTDEV_RUN_DIR");
        run = pb.start();
        return run;
    }

    private String output() throws Exception {
        return Files.readString(root.resolve("vm-run.out"));
    }

    /** Waits for READY=1, then checks that QMP answers and the VM is recorded running. */
    private VmRecord awaitReady() throws Exception {
        String ready = notify.await(m -> m.contains("READY=1"), Duration.ofSeconds(60), "READY=1");
        assertTrue(ready.contains("STATUS=VM svc running (QEMU pid "), ready);
        VmRecord r = dir.require();
        started.alsoKill(r.qemu());
        assertEquals(VmState.RUNNING, r.state(), "READY=1 comes once the VM is running");
        try (QmpClient q = QmpClient.connect(dir.qmpSocket(), QmpOptions.defaults())) {
            assertEquals("running", q.execute("query-status").path("status").asText(), "QMP answers when READY=1 arrives");
        }
        return r;
    }

    private int exitStatus(Duration within) throws Exception {
        assertTrue(run.waitFor(within.toSeconds(), TimeUnit.SECONDS), "vm run ended within " + within + ": " + output());
        return run.exitValue();
    }

    @Test
    void sigtermPowersOffAGuestThatHonoursThePowerButtonAndExitsZero() throws Exception {
        Path kernel = RealQemu.hostKernel().orElse(Path.of("/boot/vmlinuz-(none)"));
        String release = kernel.getFileName().toString().substring("vmlinuz-".length());
        Path modules = Path.of("/lib/modules", release, "kernel/drivers");
        Path busybox = Path.of("/usr/bin/busybox");
        assumeTrue(Files.isReadable(kernel) && Files.isExecutable(busybox) && Files.isReadable(modules.resolve("acpi/button.ko"))
                && Files.isReadable(modules.resolve("input/evdev.ko")),
                "needs a /boot/vmlinuz-*, its uncompressed button.ko and evdev.ko, and a static " + busybox);
        Path initrd = root.resolve("powerbutton.cpio");
        try (NewcCpioWriter cpio = new NewcCpioWriter(Files.newOutputStream(initrd))) {
            cpio.directory("bin", 0755);
            cpio.directory("dev", 0755);
            cpio.directory("lib", 0755);
            cpio.file("bin/busybox", 0755, Files.readAllBytes(busybox));
            cpio.symlink("bin/sh", "busybox");
            cpio.file("lib/button.ko", 0644, Files.readAllBytes(modules.resolve("acpi/button.ko")));
            cpio.file("lib/evdev.ko", 0644, Files.readAllBytes(modules.resolve("input/evdev.ko")));
            // the power button's first input event (KEY_POWER, sent by system_powerdown) powers the guest off, as acpid would
            cpio.file("init", 0755, ("#!/bin/sh\n"
                    + "B=/bin/busybox\n"
                    + "$B mount -t devtmpfs dev /dev\n"
                    + "$B insmod /lib/evdev.ko\n"
                    + "$B insmod /lib/button.ko\n"
                    + "set -- /dev/input/event*\n"
                    + "echo \"hostdev-test: $# input devices\"\n"
                    // each reader says it is armed once its device is open: an event before that would be lost
                    + "for e in \"$@\"; do (exec 3<\"$e\"; echo '" + READY_LINE + "'; $B head -c 1 <&3 >/dev/null; $B poweroff -f) & done\n"
                    + "while true; do $B sleep 1000; done\n").getBytes(StandardCharsets.US_ASCII));
        }
        Path serial = root.resolve("serial.log");
        Files.writeString(spec, Files.readString(spec) + "kernel = \"" + kernel + "\"\ninitrd = \"" + initrd
                + "\"\nappend = \"console=ttyS0 quiet panic=-1 no_timer_check\"\nserial = \"" + serial + "\"\n");
        vmRun("--stop-timeout", "60");
        VmRecord r = awaitReady();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(Files.exists(serial) && allArmed(Files.readString(serial)))) {
            assertTrue(System.nanoTime() < deadline, "the guest arms its power button within 60 s: " + (Files.exists(serial) ? Files.readString(serial) : ""));
            Thread.sleep(50);
        }
        long t0 = System.nanoTime();
        run.destroy(); // SIGTERM to vm run only, as systemd's KillMode=mixed does
        notify.await(m -> m.contains("STOPPING=1"), Duration.ofSeconds(20), "STOPPING=1");
        int status = exitStatus(Duration.ofSeconds(60));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(0, status, output());
        VmRecord after = dir.require();
        assertEquals(VmState.STOPPED, after.state());
        assertEquals("guest-shutdown", after.ended().reason(), output());
        assertFalse(r.qemu().isAlive(), "QEMU has ended");
        assertTrue(output().contains("VM svc powered off: the guest powered off (guest-shutdown)"), output());
        System.out.println("vm run: SIGTERM to exit 0 after the guest's power-off took " + ms + " ms");
    }

    /** Whether every input device's reader has opened it (the power button is one of them). */
    private static boolean allArmed(String serial) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("hostdev-test: (\\d+) input devices").matcher(serial);
        return m.find() && serial.split(READY_LINE, -1).length - 1 >= Integer.parseInt(m.group(1));
    }

    @Test
    void sigtermToAVmWithNoGuestForcesItOffAfterTheStopTimeoutWithStatus10() throws Exception {
        vmRun("--stop-timeout", "1");
        VmRecord r = awaitReady();
        run.destroy();
        assertEquals(ErrorCode.TIMEOUT.exitStatus(), exitStatus(Duration.ofSeconds(30)), output());
        assertTrue(notify.messages().stream().anyMatch(m -> m.startsWith("STOPPING=1")), notify.messages().toString());
        VmRecord after = dir.require();
        assertEquals(VmState.STOPPED, after.state());
        assertEquals("host-qmp-quit", after.ended().reason());
        assertFalse(r.qemu().isAlive());
        String out = output();
        assertTrue(out.contains("asked the guest to power off (system_powerdown), waiting up to 1 s"), out);
        assertTrue(out.contains("VM svc was forced off: the guest did not power off within 1 s of system_powerdown"), out);
        assertFalse(Files.exists(dir.qmpSocket()), "QEMU's sockets are gone");
    }

    @Test
    void vmStopFromAnotherProcessThatHasToQuitIsAForcedEndToo() throws Exception {
        vmRun();
        VmRecord r = awaitReady();
        CliRun stop = CliRun.run("vm", "stop", "svc", "--timeout", "1", "--root", root.toString());
        assertEquals(0, stop.exitCode(), stop.err());
        assertEquals(ErrorCode.TIMEOUT.exitStatus(), exitStatus(Duration.ofSeconds(30)), output());
        assertTrue(output().contains("VM svc was forced off: the guest did not power off within the timeout of 'hostdev vm stop'"), output());
        assertEquals(VmState.STOPPED, dir.require().state());
        assertFalse(r.qemu().isAlive());
    }

    @Test
    void qemuKilledFromOutsideEndsVmRunWithStatus13AndARecordedCrash() throws Exception {
        vmRun();
        VmRecord r = awaitReady();
        r.qemu().handle().orElseThrow().destroyForcibly();
        assertEquals(ErrorCode.KILLED.exitStatus(), exitStatus(Duration.ofSeconds(30)), output());
        VmRecord after = dir.require();
        assertEquals(VmState.CRASHED, after.state(), "without a SHUTDOWN event the record says crashed, as for vm start");
        assertTrue(output().contains("VM svc was killed: QEMU ended without a SHUTDOWN event"), output());
        assertTrue(output().contains("QEMU exit status 137"), output());
    }

    @Test
    void dryRunPrintsTheStartPlanAndTheStopStepsAndChangesNothing() {
        CliRun r = CliRun.run("vm", "run", spec.toString(), "--dry-run", "--stop-timeout", "45", "--root", root.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("# vm run svc --dry-run: nothing is changed"), r.out());
        assertTrue(r.out().contains("QMP: {\"execute\":\"cont\"}"), r.out());
        assertTrue(r.out().contains("QMP: {\"execute\":\"system_powerdown\"}"), r.out());
        assertTrue(r.out().contains("wait up to 45 s for the guest to power off; if not, quit QEMU (exit status 10)"), r.out());
        assertFalse(r.out().contains("vm supervise"), "vm run has no supervisor: " + r.out());
        assertTrue(dir.read().isEmpty(), "a dry run writes no record");
    }
}
