package dev.hostdev.launcher.lab;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.launcher.spec.VmSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A running lab VM: the {@link LabMachine} spec started by {@code hostdev vm start} (the product's own
 * planner, command line, supervisor and QMP client), this host's kernel with the host's {@code /} as its
 * read-only root over 9p, running shell commands as root on request.
 *
 * <p>Commands travel through a second, writable 9p share (the <em>exchange</em> directory): the host
 * drops {@code N.sh}, the guest's init runs it chrooted into the host's root and writes {@code N.out},
 * {@code N.err} and, last, {@code N.rc} ({@link GuestChannel}). Every wait is bounded; {@link #close()}
 * powers the guest off, then {@code hostdev vm stop}s it, then kills QEMU's process group by its PID, and
 * keeps the work directory (spec, serial log, QEMU's log, every command's output) when anything failed.
 */
public final class LabVm implements GuestShell, AutoCloseable {
    /** Where the exchange share appears inside the guest (and inside the chroot the commands run in). */
    public static final String GUEST_EXCHANGE_DIR = "/run/lab";

    private static final Duration POWEROFF_WAIT = Duration.ofSeconds(15);
    private static final Duration IDLE_LIMIT = Duration.ofMinutes(15);

    private final Path workDir;
    private final VmSpec spec;
    private final HostdevLauncher hostdev;
    private final LabVmCommands commands;
    private final GuestChannel channel;
    private final ProcessHandle qemu;
    private final Thread shutdownHook;
    private Duration bootTime;
    private boolean failed;
    private boolean keep;
    private boolean closed;

    private LabVm(Path workDir, VmSpec spec, HostdevLauncher hostdev, LabVmCommands commands, ProcessHandle qemu,
            Thread shutdownHook) {
        this.workDir = workDir;
        this.commands = commands;
        this.spec = spec;
        this.hostdev = hostdev;
        this.channel = new GuestChannel(workDir.resolve(LabMachine.EXCHANGE), workDir.resolve(LabMachine.SERIAL_LOG), qemu::isAlive);
        this.qemu = qemu;
        this.shutdownHook = shutdownHook;
    }

    /** Boots a lab machine with a 2-minute boot limit. */
    public static LabVm boot(LabEnvironment env, LabMachine machine, HostdevLauncher hostdev) {
        return boot(env, machine, hostdev, Duration.ofMinutes(2));
    }

    /**
     * Writes the machine's spec into a new work directory, starts it with {@code hostdev vm start} (its
     * runtime directory under the work directory) and waits until the guest's init serves commands.
     *
     * @param hostdev     how to run hostdev on this host
     * @param bootTimeout how long to wait for the guest to be ready
     * @throws HostdevException {@link ErrorCode#QEMU} if {@code vm start} fails or QEMU dies during boot,
     *                          {@link ErrorCode#TIMEOUT} if the guest is not ready in time; the work
     *                          directory with the logs is kept and named in the message
     */
    public static LabVm boot(LabEnvironment env, LabMachine machine, HostdevLauncher hostdev, Duration bootTimeout) {
        Path workDir;
        VmSpec spec;
        LabVmCommands commands;
        try {
            workDir = Files.createTempDirectory("hostdev-lab-");
            commands = new LabVmCommands(hostdev, workDir);
            commands.createRunDir();
            spec = machine.prepare(workDir, env, IDLE_LIMIT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long start = System.nanoTime();
        long pid = commands.start(workDir.resolve(LabMachine.SPEC_FILE), spec.name());
        ProcessHandle qemu = ProcessHandle.of(pid)
                .orElseThrow(() -> new HostdevException(ErrorCode.QEMU, "the lab VM's QEMU ended as it started: "
                        + GuestChannel.tail(commands.runDir().resolve(spec.name()).resolve("qemu.log"), 3),
                        "see the serial log " + workDir.resolve(LabMachine.SERIAL_LOG)));
        Thread hook = new Thread(() -> killGroup(qemu), "hostdev-lab-kill");
        Runtime.getRuntime().addShutdownHook(hook);
        LabVm vm = new LabVm(workDir, spec, hostdev, commands, qemu, hook);
        try {
            vm.bootTime = vm.channel.awaitReady(bootTimeout, start);
        } catch (RuntimeException e) {
            vm.failed = true;
            vm.close();
            throw e;
        }
        return vm;
    }

    /**
     * Runs a shell script ({@code /bin/sh} of the host's root) inside the guest as root and returns
     * what it did. A non-zero exit status is returned, not thrown.
     *
     * @param timeout the guest kills the script after this long (exit status 137)
     * @throws HostdevException {@link ErrorCode#TIMEOUT} if the guest does not answer at all, or
     *                          {@link ErrorCode#QEMU} if the VM died; the VM is then unusable
     */
    @Override
    public synchronized GuestResult run(String script, Duration timeout) {
        if (closed) {
            throw new IllegalStateException("lab VM closed");
        }
        try {
            return channel.run(script, timeout);
        } catch (RuntimeException e) {
            failed = true;
            throw e;
        }
    }

    /** As {@link #run(String, Duration)} with a one-minute limit. */
    public GuestResult run(String script) {
        return run(script, Duration.ofMinutes(1));
    }

    /**
     * Loads the drivers of the lab's devices (the guest runs no udev) and VFIO, and waits until the
     * USB devices have enumerated.
     *
     * @throws HostdevException {@link ErrorCode#ENVIRONMENT} if a module does not load
     */
    public GuestResult loadDrivers() {
        GuestResult r = run(driverScript(LabMachine.usbDevices(spec)), Duration.ofSeconds(60));
        if (!r.ok()) {
            failed = true;
            throw new HostdevException(ErrorCode.ENVIRONMENT, "the lab guest could not load its drivers: " + r.stderr().strip(),
                    r.stderr().contains("not found") ? "a program the lab runs in its VM is missing from this host's /: install "
                            + "what 'hostdev lab --print-packages' lists" : "check that " + String.join(", ", GUEST_DRIVERS)
                            + " are modules of the lab kernel (" + spec.kernel().map(k -> k.kernel().toString()).orElse("?") + ")");
        }
        return r;
    }

    /**
     * The guest script that loads the drivers and waits for VFIO and for the USB devices (each USB device
     * plus the xHCI's two root hubs), then lists them.
     */
    static String driverScript(int usbDevices) {
        return "modprobe -a " + String.join(" ", GUEST_DRIVERS) + " && "
                + "for i in $(seq 100); do [ -e /dev/vfio/vfio ] && [ $(cat /sys/bus/usb/devices/*/idVendor | wc -l) -ge "
                + (usbDevices == 0 ? 0 : usbDevices + 2) + " ] && break; sleep 0.1; done; lsusb";
    }

    /** Drivers the lab guest loads by hand: the devices' own and VFIO's. */
    public static final List<String> GUEST_DRIVERS = List.of("e1000e", "e1000", "nvme", "xhci_pci", "vfio-pci", "vfio_iommu_type1");

    /** Host directory that the guest sees as {@link #GUEST_EXCHANGE_DIR}: files put here are visible inside. */
    public Path exchangeDir() {
        return channel.exchangeDir();
    }

    /** The lab VM's spec, as {@code hostdev vm start} loaded it. */
    public VmSpec spec() {
        return spec;
    }

    /** The spec file {@code hostdev vm start} started ({@code hostdev vm cmdline} of it prints the QEMU command line). */
    public Path specFile() {
        return workDir.resolve(LabMachine.SPEC_FILE);
    }

    /** How the lab runs hostdev (on the host, and inside the guest with the host's java and jar). */
    public HostdevLauncher hostdev() {
        return hostdev;
    }

    /** From QEMU's start until the guest's init served commands. */
    public Duration bootTime() {
        return bootTime;
    }

    /** The guest's serial console (kernel messages and init's). */
    public Path serialLog() {
        return workDir.resolve(LabMachine.SERIAL_LOG);
    }

    /** The work directory (initramfs, logs, exchange share). */
    public Path workDir() {
        return workDir;
    }

    /** The PID of QEMU (and of its process group, when {@code setsid} was available). */
    public long pid() {
        return qemu.pid();
    }

    /** Keep the work directory after {@link #close()} even if nothing failed. */
    public void keepArtifacts() {
        keep = true;
    }

    /** Marks the run as failed: the work directory is kept for diagnosis. */
    public void markFailed() {
        failed = true;
    }

    /** Whether the work directory will be (or was) kept. */
    public boolean keepsArtifacts() {
        return keep || failed;
    }

    /**
     * Powers the guest off (bounded), then {@code hostdev vm stop}s it if it still runs, then kills QEMU's
     * process group; waits until Hostdev has recorded the end; keeps the logs if anything failed.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (qemu.isAlive()) {
                channel.requestPoweroff();
                qemu.onExit().get(POWEROFF_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (IOException | ExecutionException | TimeoutException e) {
            failed = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (qemu.isAlive()) {
            commands.stop(spec.name());
        }
        killGroup(qemu);
        awaitRecordedEnd();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or will run; it only kills what is already dead
        }
        if (!keepsArtifacts()) {
            deleteTree(workDir);
        }
    }

    /** Waits (bounded) until the supervisor has recorded QEMU's end: it writes under the work directory. */
    private void awaitRecordedEnd() {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<String> state = commands.state(spec.name());
            if (state.isEmpty() || !List.of("running", "paused", "stopping", "starting").contains(state.get())) {
                return;
            }
            sleep(500);
        }
        failed = true;
    }

    private static void killGroup(ProcessHandle p) {
        if (p.isAlive()) {
            try {
                // vm start runs QEMU under setsid: a process-group leader; kill the group, by its PID, never by name.
                new ProcessBuilder("kill", "-KILL", "--", "-" + p.pid()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(5, TimeUnit.SECONDS);
            } catch (IOException e) {
                // fall through to destroyForcibly
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            p.destroyForcibly();
        }
        try {
            p.onExit().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // reported by the caller's check of isAlive
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }




}
