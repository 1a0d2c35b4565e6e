package dev.hostdev.launcher.lab;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Builds the lab VM's initramfs: a static busybox, the modules needed to mount the host's {@code /}
 * over virtio 9p (with their dependencies, in load order), and the {@code init} script that serves
 * commands (the resource {@code init.sh}). Pure Java: the archive is written by {@link NewcCpioWriter}.
 */
public final class LabInitramfs {
    /** Modules the initramfs loads before it can mount anything over 9p. */
    public static final List<String> MODULES = List.of(
            "virtio_ring", "virtio", "virtio_pci_legacy_dev", "virtio_pci_modern_dev", "virtio_pci",
            "9pnet", "9pnet_virtio", "netfs", "fscache", "9p");

    private LabInitramfs() {
    }

    /**
     * Writes the initramfs to {@code output}.
     *
     * @param modulesDir the kernel's module tree, e.g. {@code /lib/modules/6.1.0-56-amd64}
     * @param busybox    a statically linked busybox
     */
    public static void build(Path modulesDir, Path busybox, Path output) {
        KernelModules modules = KernelModules.load(modulesDir);
        List<String> order = modules.loadOrder(MODULES);
        try (NewcCpioWriter cpio = new NewcCpioWriter(new BufferedOutputStream(Files.newOutputStream(output)))) {
            for (String d : List.of("bin", "dev", "proc", "sys", "newroot", "x", "modules")) {
                cpio.directory(d, 0755);
            }
            cpio.characterDevice("dev/console", 0600, 5, 1);
            cpio.characterDevice("dev/null", 0666, 1, 3);
            cpio.file("bin/busybox", 0755, Files.readAllBytes(busybox));
            cpio.file("init", 0755, initScript());
            StringBuilder orderFile = new StringBuilder();
            for (String file : order) {
                String flat = KernelModules.nameOf(file) + ".ko";
                cpio.file("modules/" + flat, 0644, modules.read(file));
                orderFile.append(flat).append('\n');
            }
            cpio.file("modules.order", 0644, orderFile.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "cannot build the lab initramfs " + output + ": " + e.getMessage(),
                    "check that " + busybox + " and " + modulesDir + " are readable and the disk is not full", e);
        }
    }

    /** The init script, as shipped in the jar. */
    static byte[] initScript() {
        try (InputStream in = LabInitramfs.class.getResourceAsStream("init.sh")) {
            if (in == null) {
                throw new IllegalStateException("init.sh missing from the Hostdev jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
