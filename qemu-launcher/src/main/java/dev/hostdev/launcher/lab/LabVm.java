package dev.hostdev.launcher.lab;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A running lab VM: the host's kernel booted under QEMU (TCG, q35, emulated Intel IOMMU) with the host's
 * {@code /} as its read-only root over 9p, running shell commands as root on request.
 *
 * <p>Commands travel through a second, writable 9p share (the <em>exchange</em> directory): the host
 * drops {@code N.sh}, the guest's init runs it chrooted into the host's root and writes {@code N.out},
 * {@code N.err} and, last, {@code N.rc}. Unlike markers on a serial console this keeps stdout, stderr
 * and exit status apart and survives any output. Every wait is bounded; {@link #close()} powers the
 * guest off, then kills QEMU's process group (QEMU is started in a session of its own), and keeps the
 * work directory (serial log, QEMU's own log, every command's output) when anything failed.
 */
public final class LabVm implements AutoCloseable {
    /** Where the exchange share appears inside the guest (and inside the chroot the commands run in). */
    public static final String GUEST_EXCHANGE_DIR = "/run/lab";

    private static final Duration POWEROFF_WAIT = Duration.ofSeconds(15);
    private final Path workDir;
    private final LabMachine machine;
    private final Path exchange;
    private final GuestChannel channel;
    private final Process qemu;
    private final Thread shutdownHook;
    private Duration bootTime;
    private boolean failed;
    private boolean keep;
    private boolean closed;

    private LabVm(Path workDir, Process qemu, Thread shutdownHook, LabMachine machine) {
        this.machine = machine;
        this.workDir = workDir;
        this.exchange = workDir.resolve("x");
        this.channel = new GuestChannel(exchange, workDir.resolve("serial.log"), qemu::isAlive);
        this.qemu = qemu;
        this.shutdownHook = shutdownHook;
    }

    /** Boots the standard lab machine with a 2-minute boot limit. */
    public static LabVm boot(LabEnvironment env, LabMachine machine) {
        return boot(env, machine, Duration.ofMinutes(2), List.of());
    }

    /**
     * Boots a lab VM and waits until its init serves commands.
     *
     * @param bootTimeout how long to wait for the guest to be ready
     * @param extraArgs   further QEMU arguments (e.g. a QMP monitor)
     * @throws HostdevException {@link ErrorCode#QEMU} if QEMU dies during boot,
     *                          {@link ErrorCode#TIMEOUT} if the guest is not ready in time; the work
     *                          directory with the serial log is kept and named in the message
     */
    public static LabVm boot(LabEnvironment env, LabMachine machine, Duration bootTimeout, List<String> extraArgs) {
        Path workDir;
        try {
            workDir = Files.createTempDirectory("hostdev-lab-");
            GuestChannel.prepare(workDir.resolve("x"), Duration.ofMinutes(15));
            machine.createImages(workDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path initramfs = workDir.resolve("initramfs.cpio");
        LabInitramfs.build(env.modulesDir(), env.busybox(), initramfs);
        List<String> cmd = new ArrayList<>();
        LabEnvironment.onPath("setsid").ifPresent(s -> cmd.add(s.toString()));
        cmd.addAll(qemuArgs(env, machine, workDir, initramfs));
        cmd.addAll(extraArgs);
        long start = System.nanoTime();
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(workDir.resolve("qemu.log").toFile()).redirectInput(ProcessBuilder.Redirect.PIPE).start();
            Files.writeString(workDir.resolve("qemu.cmdline"), String.join("\n", cmd) + "\n");
        } catch (IOException e) {
            throw new HostdevException(ErrorCode.QEMU, "cannot start " + env.qemu() + ": " + e.getMessage(),
                    "check that QEMU is installed: " + LabNeeds.installCommand(), e);
        }
        Process started = p;
        Thread hook = new Thread(() -> killGroup(started), "hostdev-lab-kill");
        Runtime.getRuntime().addShutdownHook(hook);
        LabVm vm = new LabVm(workDir, p, hook, machine);
        try {
            vm.bootTime = vm.channel.awaitReady(bootTimeout, start);
        } catch (RuntimeException e) {
            vm.failed = true;
            vm.close();
            if (!p.isAlive() && e instanceof HostdevException h && h.code() == ErrorCode.QEMU) {
                throw new HostdevException(ErrorCode.QEMU, "the lab VM's QEMU exited with status " + p.exitValue()
                        + " while booting: " + GuestChannel.tail(workDir.resolve("qemu.log"), 3),
                        "see " + workDir.resolve("qemu.log") + " and the serial log " + workDir.resolve("serial.log"), e);
            }
            throw e;
        }
        return vm;
    }

    static List<String> qemuArgs(LabEnvironment env, LabMachine machine, Path workDir, Path initramfs) {
        List<String> a = new ArrayList<>(List.of(env.qemu().toString(),
                "-name", "hostdev-lab", "-accel", "tcg", "-machine", "q35,kernel-irqchip=split",
                "-m", machine.memoryMiB() + "M", "-smp", Integer.toString(machine.cpus()),
                "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
                "-device", "intel-iommu,intremap=on,caching-mode=on",
                "-kernel", env.kernel().toString(), "-initrd", initramfs.toString(),
                "-append", "console=ttyS0 intel_iommu=on panic=-1 oops=panic rdinit=/init " + LabGuest.CMDLINE_MARKER,
                "-chardev", "file,id=serial0,path=" + escape(workDir.resolve("serial.log").toString()),
                "-serial", "chardev:serial0",
                "-fsdev", "local,id=hostroot,path=/,readonly=on,security_model=none,multidevs=remap",
                "-device", "virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot,bus=pcie.0,addr=0x1e",
                "-fsdev", "local,id=exchange,path=" + escape(workDir.resolve("x").toString()) + ",security_model=none",
                "-device", "virtio-9p-pci,fsdev=exchange,mount_tag=exchange,bus=pcie.0,addr=0x1d"));
        a.addAll(machine.deviceArgs(workDir));
        return a;
    }

    /** Doubles commas, as QEMU's option parser wants inside a value. */
    static String escape(String value) {
        return value.replace(",", ",,");
    }

    /**
     * Runs a shell script ({@code /bin/sh} of the host's root) inside the guest as root and returns
     * what it did. A non-zero exit status is returned, not thrown.
     *
     * @param timeout the guest kills the script after this long (exit status 137)
     * @throws HostdevException {@link ErrorCode#TIMEOUT} if the guest does not answer at all, or
     *                          {@link ErrorCode#QEMU} if the VM died; the VM is then unusable
     */
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
        GuestResult r = run(driverScript(machine.usbDevices().size()), Duration.ofSeconds(60));
        if (!r.ok()) {
            failed = true;
            throw new HostdevException(ErrorCode.ENVIRONMENT, "the lab guest could not load its drivers: " + r.stderr().strip(),
                    "check that " + String.join(", ", GUEST_DRIVERS) + " are modules of the lab kernel");
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
        return exchange;
    }

    /** From QEMU's start until the guest's init served commands. */
    public Duration bootTime() {
        return bootTime;
    }

    /** The guest's serial console (kernel messages and init's). */
    public Path serialLog() {
        return workDir.resolve("serial.log");
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

    /** Powers the guest off (bounded), then kills QEMU's process group; keeps the logs if anything failed. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (qemu.isAlive()) {
                channel.requestPoweroff();
                qemu.waitFor(POWEROFF_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (IOException e) {
            failed = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        killGroup(qemu);
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or will run; it only kills what is already dead
        }
        if (!keepsArtifacts()) {
            deleteTree(workDir);
        }
    }

    private static void killGroup(Process p) {
        if (p.isAlive()) {
            try {
                // setsid made QEMU a process-group leader: kill the group, by its PID, never by name.
                new ProcessBuilder("kill", "-KILL", "--", "-" + p.pid()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(5, TimeUnit.SECONDS);
            } catch (IOException e) {
                // fall through to destroyForcibly
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        try {
            p.waitFor(10, TimeUnit.SECONDS);
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
