package dev.hostdev.launcher.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A VM spec ({@code docs/spec.md}) that makes {@code hostdev vm start} itself boot a lab guest: the
 * host's kernel with the lab initramfs, an emulated Intel IOMMU, the host's {@code /} read-only and an
 * exchange directory over 9p (so a {@link GuestChannel} can run commands inside), and spare root ports
 * for hotplug. A Linux guest answers PCI unplug requests, which a VM with no OS never does: this is
 * how {@code hostdev unplug} is seen to complete.
 */
public final class LabSpec {
    private LabSpec() {
    }

    /**
     * Builds the initramfs and the exchange directory under {@code workDir} and writes {@code workDir/NAME.toml}.
     *
     * @return the spec file
     */
    public static Path write(LabEnvironment env, Path workDir, String name, int spareRootPorts) throws IOException {
        Path initramfs = workDir.resolve("initramfs.cpio");
        LabInitramfs.build(env.modulesDir(), env.busybox(), initramfs);
        GuestChannel.prepare(workDir.resolve("x"), java.time.Duration.ofMinutes(10));
        String spec = "name = " + quote(name) + "\n"
                + "memory = \"1G\"\n"
                + "cpus = 2\n"
                + "accel = \"tcg\"\n"
                + "iommu = \"intel\"\n"
                + "kernel = " + quote(env.kernel().toString()) + "\n"
                + "initrd = " + quote(initramfs.toString()) + "\n"
                + "append = " + quote("console=ttyS0 intel_iommu=on panic=-1 rdinit=/init " + LabGuest.CMDLINE_MARKER) + "\n"
                + "serial = " + quote(workDir.resolve("serial.log").toString()) + "\n"
                + "spare_root_ports = " + spareRootPorts + "\n"
                + "\n[[share]]\npath = \"/\"\ntag = " + quote(GuestChannel.ROOT_TAG) + "\nreadonly = true\n"
                + "\n[[share]]\npath = " + quote(workDir.resolve("x").toString()) + "\ntag = " + quote(GuestChannel.TAG) + "\n";
        Path file = workDir.resolve(name + ".toml");
        Files.writeString(file, spec);
        return file;
    }

    /** A TOML basic string. */
    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** The {@link GuestChannel} of a lab VM written by {@link #write}, given whether its QEMU still runs. */
    public static GuestChannel channel(Path workDir, java.util.function.BooleanSupplier alive) {
        return new GuestChannel(workDir.resolve("x"), workDir.resolve("serial.log"), alive);
    }
}
