package dev.hostdev.launcher.lab;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabEnvironmentTest {
    @Test
    void aDynamicallyLinkedProgramIsNotStatic() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        assertFalse(LabEnvironment.isStatic(java), "java has a program interpreter");
    }

    @Test
    void aStaticBusyboxIsStatic() {
        Path busybox = Path.of("/usr/bin/busybox");
        assumeTrue(Files.isRegularFile(busybox), "no busybox here");
        assumeTrue(!new String(readHead(busybox)).contains("/lib64/ld-linux"), "this busybox is dynamic");
        assertTrue(LabEnvironment.isStatic(busybox));
    }

    @Test
    void aNonElfFileIsNotStatic(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("s");
        Files.writeString(script, "#!/bin/sh\n");
        assertFalse(LabEnvironment.isStatic(script));
    }

    private static byte[] readHead(Path p) {
        try (var in = Files.newInputStream(p)) {
            return in.readNBytes(4096);
        } catch (java.io.IOException e) {
            return new byte[0];
        }
    }
}
