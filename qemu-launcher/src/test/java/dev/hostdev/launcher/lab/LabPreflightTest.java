package dev.hostdev.launcher.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The preflight against a host tree in a temporary directory: every need present, then each one hidden. */
class LabPreflightTest {
    private static final String RELEASE = "6.1.0-99-amd64";

    @Test
    void aHostWithEveryNeedPasses(@TempDir Path root) throws IOException {
        LabPreflight p = preflight(completeHost(root));
        assertEquals(List.of(), p.missing());
        p.require();
        assertEquals(root.resolve("boot/vmlinuz-" + RELEASE), p.kernel().orElseThrow()[0]);
        assertEquals(root.resolve("usr/bin/busybox"), p.busybox().orElseThrow());
    }

    /** What issue 10 asked for: hide each need in turn; the preflight names it and its package. */
    @Test
    void eachHiddenNeedIsNamedWithItsPackage(@TempDir Path root) throws IOException {
        completeHost(root);
        for (LabNeed need : LabNeeds.all()) {
            for (Path file : filesOf(root, need)) {
                byte[] saved = Files.readAllBytes(file);
                // As an empty file bind-mounted over the program hides it.
                Files.write(file, new byte[0]);
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
                try {
                    HostdevException e = assertThrows(HostdevException.class, () -> preflight(root).require(), need.program());
                    assertEquals(ErrorCode.ENVIRONMENT, e.code());
                    String named = need.program().equals(LabNeed.KERNEL) ? "vmlinuz" : need.program();
                    assertTrue(e.getMessage().contains(named) && e.getMessage().contains("package " + need.pkg()),
                            need.program() + " hidden: " + e.getMessage());
                    assertTrue(e.hint().contains("apt-get install " + need.pkg()), e.hint());
                } finally {
                    Files.write(file, saved);
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
        }
        assertEquals(List.of(), preflight(root).missing());
    }

    @Test
    void aBareHostIsToldEveryNeedAtOnce(@TempDir Path root) {
        HostdevException e = assertThrows(HostdevException.class, () -> preflight(root).require());
        for (LabNeed need : LabNeeds.all()) {
            assertTrue(e.getMessage().contains("package " + need.pkg()), need.pkg() + ": " + e.getMessage());
        }
        assertTrue(e.hint().startsWith("install them with: " + LabNeeds.installCommand()), e.hint());
    }

    @Test
    void aGuestProgramMustBeOnTheGuestsPathNotOnlyOnTheHosts(@TempDir Path root) throws IOException {
        completeHost(root);
        Path lsusb = root.resolve("usr/bin/lsusb");
        Files.delete(lsusb);
        program(root.resolve("opt/tools/lsusb"));
        LabPreflight p = new LabPreflight(root, List.of("/opt/tools", "/usr/bin"), split(LabPreflight.GUEST_PATH), RELEASE);
        assertEquals(List.of("lsusb"), p.missing().stream().map(LabNeed::program).toList());
    }

    @Test
    void aDynamicBusyboxDoesNotCount(@TempDir Path root) throws IOException {
        completeHost(root);
        Path busybox = root.resolve("usr/bin/busybox");
        Files.write(busybox, elf(true));
        assertEquals(List.of("busybox"), preflight(root).missing().stream().map(LabNeed::program).toList());
    }

    @Test
    void aKernelWithoutItsModuleTreeDoesNotCount(@TempDir Path root) throws IOException {
        completeHost(root);
        Files.delete(root.resolve("lib/modules/" + RELEASE + "/modules.dep"));
        assertEquals(List.of("kernel"), preflight(root).missing().stream().map(LabNeed::program).toList());
    }

    @Test
    void theListIsParsedAndEveryLineMeansSomething() {
        List<LabNeed> all = LabNeeds.all();
        assertTrue(all.stream().anyMatch(n -> n.program().equals("lsusb") && n.pkg().equals("usbutils")), "issue 10: lsusb");
        assertTrue(LabNeeds.packages().containsAll(List.of("qemu-system-x86", "linux-image-amd64", "busybox-static",
                "pciutils", "usbutils", "kmod")));
        assertThrows(IllegalStateException.class, () -> LabNeeds.parse("lsusb usbutils guest\n"));
        assertThrows(IllegalArgumentException.class, () -> LabNeeds.parse("lsusb usbutils nowhere why\n"));
    }

    @Test
    void aDynamicallyLinkedProgramIsNotStatic() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        assertFalse(LabPreflight.isStatic(java), "java has a program interpreter");
    }

    @Test
    void aRealStaticBusyboxIsStatic() {
        Path busybox = Path.of("/usr/bin/busybox");
        assumeTrue(Files.isRegularFile(busybox), "no busybox here");
        assumeTrue(!new String(readHead(busybox)).contains("/lib64/ld-linux"), "this busybox is dynamic");
        assertTrue(LabPreflight.isStatic(busybox));
    }

    @Test
    void aNonElfFileIsNotStatic(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("s");
        Files.writeString(script, "#!/bin/sh\n");
        assertFalse(LabPreflight.isStatic(script));
    }

    /** A host tree with every need of the list: programs in /usr/bin, a static busybox, a kernel. */
    static Path completeHost(Path root) throws IOException {
        for (LabNeed need : LabNeeds.all()) {
            if (!need.program().equals(LabNeed.KERNEL) && !need.program().equals(LabNeed.BUSYBOX)) {
                program(root.resolve("usr/bin").resolve(need.program()));
            }
        }
        Path busybox = root.resolve("usr/bin/busybox");
        Files.write(busybox, elf(false));
        Files.setPosixFilePermissions(busybox, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(root.resolve("boot"));
        Files.writeString(root.resolve("boot/vmlinuz-" + RELEASE), "bzImage");
        Files.createDirectories(root.resolve("lib/modules/" + RELEASE));
        Files.writeString(root.resolve("lib/modules/" + RELEASE + "/modules.dep"), "");
        return root;
    }

    private static List<Path> filesOf(Path root, LabNeed need) {
        return switch (need.program()) {
            case LabNeed.KERNEL -> List.of(root.resolve("boot/vmlinuz-" + RELEASE));
            default -> List.of(root.resolve("usr/bin").resolve(need.program()));
        };
    }

    private static LabPreflight preflight(Path root) {
        return new LabPreflight(root, List.of("/usr/local/bin", "/usr/bin", "/bin"), split(LabPreflight.GUEST_PATH), RELEASE);
    }

    private static List<String> split(String path) {
        return List.of(path.split(":"));
    }

    private static void program(Path p) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, "#!/bin/sh\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** A minimal ELF64 header with one program header: PT_INTERP (dynamic) or PT_LOAD (static). */
    private static byte[] elf(boolean dynamic) {
        ByteBuffer b = ByteBuffer.allocate(64 + 56).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 0x464c457f).put(4, (byte) 2).put(5, (byte) 1);
        b.putLong(0x20, 64).putShort(0x36, (short) 56).putShort(0x38, (short) 1);
        b.putInt(64, dynamic ? 3 : 1);
        return b.array();
    }

    private static byte[] readHead(Path p) {
        try (var in = Files.newInputStream(p)) {
            return in.readNBytes(4096);
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
