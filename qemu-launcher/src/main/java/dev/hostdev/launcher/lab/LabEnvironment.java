package dev.hostdev.launcher.lab;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What the lab needs from the host, found: QEMU for x86-64, a kernel with its module tree, a static
 * busybox, and a Java to run Hostdev inside the guest. {@link #detect()} runs the {@link LabPreflight}
 * first, so that every missing program of {@link LabNeeds} is named, with its package, before anything boots.
 *
 * @param qemu       {@code qemu-system-x86_64}
 * @param kernel     the kernel image, e.g. {@code /boot/vmlinuz-6.1.0-56-amd64}
 * @param modulesDir its module tree, e.g. {@code /lib/modules/6.1.0-56-amd64}
 * @param busybox    a statically linked busybox
 * @param java       the {@code java} launcher the guest uses (the host's, through the 9p root)
 */
public record LabEnvironment(Path qemu, Path kernel, Path modulesDir, Path busybox, Path java) {
    /** Checks that the pieces exist. */
    public LabEnvironment {
        for (Path p : List.of(qemu, kernel, modulesDir, busybox, java)) {
            if (!Files.exists(p)) {
                throw new IllegalArgumentException("lab environment: " + p + " does not exist");
            }
        }
    }

    /**
     * Finds the lab's pieces on this host, after checking every need of {@link LabNeeds}.
     *
     * @throws HostdevException {@link ErrorCode#ENVIRONMENT} naming every missing program, its package and the install command
     */
    public static LabEnvironment detect() {
        LabPreflight preflight = LabPreflight.ofThisHost();
        preflight.require();
        Path java = ProcessHandle.current().info().command().map(Path::of)
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java"));
        Path[] kernel = preflight.kernel().orElseThrow();
        return new LabEnvironment(preflight.hostProgram("qemu-system-x86_64").orElseThrow(), kernel[0], kernel[1],
                preflight.busybox().orElseThrow(), java);
    }

    /** The kernel release, e.g. {@code 6.1.0-56-amd64}. */
    public String kernelRelease() {
        return modulesDir.getFileName().toString();
    }

    /** A program on this JVM's PATH (then /usr/sbin, /sbin). */
    static Optional<Path> onPath(String program) {
        return LabPreflight.ofThisHost().hostProgram(program);
    }
}
