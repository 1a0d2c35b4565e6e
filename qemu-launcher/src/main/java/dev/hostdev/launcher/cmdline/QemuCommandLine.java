package dev.hostdev.launcher.cmdline;

import dev.hostdev.launcher.spec.Accel;
import dev.hostdev.launcher.spec.KernelBoot;
import dev.hostdev.launcher.spec.MemorySize;
import dev.hostdev.launcher.spec.SerialSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A whole QEMU command line, assembled in a fixed order: binary, {@code -name guest=NAME,debug-threads=on}, {@code -machine},
 * {@code -accel} (and {@code -cpu host} under KVM), {@code -m}, {@code -smp}, {@code -nodefaults},
 * {@code -no-user-config}, {@code -display none}, serial, the QMP monitor and the supervisor's, {@code -pidfile},
 * {@code -S} if asked, kernel/initrd/append, drives, fsdevs, devices (in the order given: buses
 * before what plugs into them).
 *
 * @param binary       the QEMU binary (argv[0])
 * @param name         the VM's name
 * @param splitIrqchip {@code kernel-irqchip=split} (needed by intel-iommu's interrupt remapping)
 * @param accel        kvm or tcg (never auto: resolved by then)
 * @param memory       guest RAM
 * @param cpus         virtual CPUs
 * @param serial       where the serial port goes
 * @param paths        the runtime directory (QMP socket, pid file)
 * @param startPaused  add {@code -S}
 * @param kernel       direct kernel boot
 * @param drives       block backends
 * @param fsdevs       9p backends
 * @param devices      devices
 * @param platform     CPU address width, firmware, 64-bit PCI hole, devices' memory backends
 */
public record QemuCommandLine(Path binary, String name, boolean splitIrqchip, Accel accel, MemorySize memory, int cpus,
                              SerialSpec serial, VmRuntimePaths paths, boolean startPaused, Optional<KernelBoot> kernel,
                              List<BlockDrive> drives, List<Fsdev> fsdevs, List<QemuDevice> devices,
                              PlatformArgs platform) {
    /** The id of the QMP monitor's character device. */
    public static final String QMP_CHARDEV = "qmp";
    /** The id of the supervisor's own QMP monitor's character device (it listens there for {@code SHUTDOWN}). */
    public static final String SUPERVISOR_CHARDEV = "supervisor";
    /** The id of the serial port's character device when it goes to a file. */
    public static final String SERIAL_CHARDEV = "serial0";

    /** Requires a resolved accelerator and copies the lists. */
    public QemuCommandLine {
        Objects.requireNonNull(binary);
        Objects.requireNonNull(name);
        if (accel == Accel.AUTO) {
            throw new IllegalArgumentException("accel must be resolved to kvm or tcg");
        }
        drives = List.copyOf(drives);
        fsdevs = List.copyOf(fsdevs);
        devices = List.copyOf(devices);
        Objects.requireNonNull(platform);
    }

    /** A command line with QEMU's default platform. */
    public QemuCommandLine(Path binary, String name, boolean splitIrqchip, Accel accel, MemorySize memory, int cpus,
                           SerialSpec serial, VmRuntimePaths paths, boolean startPaused, Optional<KernelBoot> kernel,
                           List<BlockDrive> drives, List<Fsdev> fsdevs, List<QemuDevice> devices) {
        this(binary, name, splitIrqchip, accel, memory, cpus, serial, paths, startPaused, kernel, drives, fsdevs, devices,
                PlatformArgs.NONE);
    }

    /** The argument list, argv[0] first, to pass to a process as is (no shell). */
    public List<String> argv() {
        List<String> a = new ArrayList<>();
        a.add(binary.toString());
        a.add("-name");
        // As libvirt: named QEMU threads ("CPU 0/KVM") make top -H and perf readable.
        a.add("guest=" + name + ",debug-threads=on");
        a.add("-machine");
        a.add(splitIrqchip ? "q35,kernel-irqchip=split" : "q35");
        a.addAll(platform.machineArguments());
        a.add("-accel");
        a.add(accel.qemuName());
        if (accel == Accel.KVM) {
            a.add("-cpu");
            a.add("host" + platform.cpuOptions().map(o -> "," + o).orElse(""));
        } else if (platform.cpuOptions().isPresent()) {
            // TCG's default model, with the address width asked for
            a.add("-cpu");
            a.add("qemu64," + platform.cpuOptions().get());
        }
        a.add("-m");
        a.add(memory.mebibytes() + "M");
        a.add("-smp");
        a.add(Integer.toString(cpus));
        a.add("-nodefaults");
        a.add("-no-user-config");
        a.add("-display");
        a.add("none");
        addSerial(a);
        a.add("-chardev");
        a.add("socket,id=" + QMP_CHARDEV + ",path=" + QemuOptions.escape(paths.qmpSocket().toString()) + ",server=on,wait=off");
        a.add("-mon");
        a.add("chardev=" + QMP_CHARDEV + ",mode=control");
        // a second monitor: QEMU serves one client per monitor, and the supervisor must hear SHUTDOWN
        // (and its reason) while users and Hostdev's commands use the first
        a.add("-chardev");
        a.add("socket,id=" + SUPERVISOR_CHARDEV + ",path=" + QemuOptions.escape(paths.supervisorSocket().toString()) + ",server=on,wait=off");
        a.add("-mon");
        a.add("chardev=" + SUPERVISOR_CHARDEV + ",mode=control");
        a.add("-pidfile");
        a.add(paths.pidFile().toString());
        if (startPaused) {
            a.add("-S");
            // started by 'vm start', which returns before the supervisor listens: a guest power-off
            // meanwhile pauses QEMU until the supervisor hears of it (see ShutdownListener)
            a.add("-action");
            a.add("shutdown=pause");
        }
        kernel.ifPresent(k -> {
            a.add("-kernel");
            a.add(k.kernel().toString());
            k.initrd().ifPresent(i -> {
                a.add("-initrd");
                a.add(i.toString());
            });
            k.append().ifPresent(s -> {
                a.add("-append");
                a.add(s);
            });
        });
        for (BlockDrive d : drives) {
            a.add("-drive");
            a.add(d.argument());
        }
        for (Fsdev f : fsdevs) {
            a.add("-fsdev");
            a.add(f.argument());
        }
        for (MemoryBackend m : platform.backends()) {
            a.add("-object");
            a.add(m.argument());
        }
        for (QemuDevice d : devices) {
            a.add("-device");
            a.add(d.deviceArgument());
        }
        return a;
    }

    private void addSerial(List<String> a) {
        if (serial instanceof SerialSpec.Stdio) {
            a.add("-serial");
            a.add("stdio");
        } else if (serial instanceof SerialSpec.ToFile f) {
            a.add("-chardev");
            a.add("file,id=" + SERIAL_CHARDEV + ",path=" + QemuOptions.escape(f.path().toString()) + ",append=on");
            a.add("-serial");
            a.add("chardev:" + SERIAL_CHARDEV);
        } else {
            a.add("-serial");
            a.add("none");
        }
    }
}
