package dev.hostdev.launcher.cmdline;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.hostdev.engine.sysfs.HostRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LaunchOptionsTest {
    @TempDir
    Path root;

    @Test
    void autoStaysOnTcgWhenTheCpuHasNoHardwareVirtualization() throws Exception {
        Files.createDirectories(root.resolve("proc"));
        Files.writeString(root.resolve("proc/cpuinfo"),
                "processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu vme de pse tsc msr pae\n");
        Files.createDirectories(root.resolve("dev"));
        Files.writeString(root.resolve("dev/kvm"), "");
        assertFalse(LaunchOptions.kvmUsable(new HostRoot(root)), "no vmx/svm: KVM's -cpu host would abort QEMU");
    }

    @Test
    void autoStaysOnTcgWithoutDevKvm() throws Exception {
        Files.createDirectories(root.resolve("proc"));
        Files.writeString(root.resolve("proc/cpuinfo"), "processor\t: 0\nflags\t\t: fpu vmx\n");
        assertFalse(LaunchOptions.kvmUsable(new HostRoot(root)));
    }
}
