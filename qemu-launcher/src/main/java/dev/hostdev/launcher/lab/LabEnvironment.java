package dev.hostdev.launcher.lab;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What the lab needs from the host, found or reported missing: QEMU for x86-64, a kernel with its
 * module tree, a static busybox, and a Java to run Hostdev inside the guest.
 *
 * @param qemu       {@code qemu-system-x86_64}
 * @param kernel     the kernel image, e.g. {@code /boot/vmlinuz-6.1.0-56-amd64}
 * @param modulesDir its module tree, e.g. {@code /lib/modules/6.1.0-56-amd64}
 * @param busybox    a statically linked busybox
 * @param java       the {@code java} launcher the guest uses (the host's, through the 9p root)
 */
public record LabEnvironment(Path qemu, Path kernel, Path modulesDir, Path busybox, Path java) {
    /** The one command that installs everything the lab needs on Debian or Ubuntu. */
    public static final String INSTALL_COMMAND = "apt-get install qemu-system-x86 linux-image-amd64 busybox-static pciutils";

    /** The Debian packages of {@link #INSTALL_COMMAND}. */
    public static final List<String> PACKAGES = List.of("qemu-system-x86", "linux-image-amd64", "busybox-static", "pciutils");

    /** Checks that the pieces exist. */
    public LabEnvironment {
        for (Path p : List.of(qemu, kernel, modulesDir, busybox, java)) {
            if (!Files.exists(p)) {
                throw new IllegalArgumentException("lab environment: " + p + " does not exist");
            }
        }
    }

    /**
     * Finds the lab's pieces on this host.
     *
     * @throws HostdevException {@link ErrorCode#ENVIRONMENT} naming what is missing and the install command
     */
    public static LabEnvironment detect() {
        List<String> missing = new ArrayList<>();
        Optional<Path> qemu = onPath("qemu-system-x86_64");
        if (qemu.isEmpty()) {
            missing.add("qemu-system-x86_64 (package qemu-system-x86)");
        }
        Optional<Path[]> kernel = findKernel();
        if (kernel.isEmpty()) {
            missing.add("a readable /boot/vmlinuz-* with its /lib/modules tree (package linux-image-amd64)");
        }
        Optional<Path> busybox = Stream.of("/usr/bin/busybox", "/bin/busybox", "/usr/lib/busybox/busybox")
                .map(Path::of).filter(Files::isRegularFile).filter(LabEnvironment::isStatic).findFirst();
        if (busybox.isEmpty()) {
            missing.add("a static busybox (package busybox-static)");
        }
        if (onPath("lspci").isEmpty()) {
            // The lab judges 'hostdev list' against the guest kernel's own lspci -Dn.
            missing.add("lspci (package pciutils)");
        }
        if (!missing.isEmpty()) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "the lab needs " + String.join(", ", missing),
                    "install them with: " + INSTALL_COMMAND + " (or run 'hostdev lab --install' as root)");
        }
        Path java = ProcessHandle.current().info().command().map(Path::of)
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java"));
        return new LabEnvironment(qemu.get(), kernel.get()[0], kernel.get()[1], busybox.get(), java);
    }

    /** The kernel release, e.g. {@code 6.1.0-56-amd64}. */
    public String kernelRelease() {
        return modulesDir.getFileName().toString();
    }

    static Optional<Path> onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : (path + ":/usr/sbin:/sbin").split(":")) {
            if (!dir.isEmpty()) {
                Path p = Path.of(dir, program);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /** The running kernel's image if installed, else the newest {@code /boot/vmlinuz-*} with modules. */
    private static Optional<Path[]> findKernel() {
        List<String> releases = new ArrayList<>();
        String running = System.getProperty("os.version");
        if (running != null) {
            releases.add(running);
        }
        try (Stream<Path> boot = Files.list(Path.of("/boot"))) {
            boot.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("vmlinuz-"))
                    .map(n -> n.substring("vmlinuz-".length())).sorted(Comparator.reverseOrder()).forEach(releases::add);
        } catch (IOException e) {
            return Optional.empty();
        }
        for (String release : releases) {
            Path image = Path.of("/boot", "vmlinuz-" + release);
            Path modules = Path.of("/lib/modules", release);
            if (Files.isReadable(image) && Files.exists(modules.resolve("modules.dep"))) {
                return Optional.of(new Path[] {image, modules});
            }
        }
        return Optional.empty();
    }

    /** Whether an ELF executable has no program interpreter (PT_INTERP), i.e. is statically linked. */
    static boolean isStatic(Path elf) {
        try (FileChannel ch = FileChannel.open(elf)) {
            ByteBuffer h = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(h, 0);
            if (h.getInt(0) != 0x464c457f || h.get(4) != 2) {
                return false;
            }
            long phoff = h.getLong(0x20);
            int phentsize = Short.toUnsignedInt(h.getShort(0x36));
            int phnum = Short.toUnsignedInt(h.getShort(0x38));
            ByteBuffer ph = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < phnum; i++) {
                ph.clear();
                ch.read(ph, phoff + (long) i * phentsize);
                if (ph.getInt(0) == 3) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
