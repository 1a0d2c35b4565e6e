package dev.hostdev.launcher.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NewcCpioWriterTest {
    @Test
    void headersAreNewcAndEverythingIsPaddedToFourBytes() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (NewcCpioWriter cpio = new NewcCpioWriter(bytes)) {
            cpio.file("init", 0755, "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8));
        }
        byte[] a = bytes.toByteArray();
        String header = new String(a, 0, 110, StandardCharsets.US_ASCII);
        assertEquals("070701", header.substring(0, 6));
        assertEquals(0100755, Integer.parseInt(header.substring(14, 22), 16), "mode: regular file 0755");
        assertEquals(10, Integer.parseInt(header.substring(54, 62), 16), "file size");
        assertEquals(5, Integer.parseInt(header.substring(94, 102), 16), "name size with its NUL");
        assertEquals(0, a.length % 4);
        String all = new String(a, StandardCharsets.US_ASCII);
        assertTrue(all.contains("TRAILER!!!"));
        // 110 + "init\0" = 115 -> padded to 116; the data starts there
        assertEquals("#!/bin/sh\n", new String(a, 116, 10, StandardCharsets.US_ASCII));
    }

    @Test
    void theCpioToolReadsTheArchiveBack(@TempDir Path dir) throws Exception {
        assumeTrue(LabEnvironment.onPath("cpio").isPresent(), "cpio is not installed");
        Path archive = dir.resolve("a.cpio");
        try (NewcCpioWriter cpio = new NewcCpioWriter(Files.newOutputStream(archive))) {
            cpio.directory("bin", 0755);
            cpio.file("bin/hello", 0644, "hello\n".getBytes(StandardCharsets.UTF_8));
            cpio.symlink("bin/sh", "busybox");
            cpio.characterDevice("dev/console", 0600, 5, 1);
        }
        Process p = new ProcessBuilder("cpio", "-itv", "-F", archive.toString()).redirectErrorStream(true).start();
        String listing = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), listing);
        assertTrue(listing.contains("bin/hello"), listing);
        assertTrue(listing.contains("bin/sh -> busybox"), listing);
        assertTrue(listing.contains("dev/console"), listing);
        assertTrue(listing.lines().anyMatch(l -> l.startsWith("crw-------") && l.contains("5,") && l.contains("dev/console")), listing);
    }

    @Test
    void refusesBadAndDuplicateNames() throws IOException {
        try (NewcCpioWriter cpio = new NewcCpioWriter(new ByteArrayOutputStream())) {
            assertThrows(IllegalArgumentException.class, () -> cpio.file("/init", 0755, new byte[0]));
            assertThrows(IllegalArgumentException.class, () -> cpio.file("a/../b", 0755, new byte[0]));
            cpio.file("init", 0755, new byte[0]);
            assertThrows(IllegalArgumentException.class, () -> cpio.file("init", 0755, new byte[0]));
        }
    }
}
