package dev.hostdev.engine.bind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The modprobe runner, with a fake modprobe that records how it was called (the real one is never run here). */
class ModprobeTest {
    @TempDir
    Path dir;

    private Path fake(String body, String perms) throws Exception {
        Path p = dir.resolve("modprobe");
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
        return p;
    }

    @Test
    void runsTheProgramWithTheNameAloneAndAFixedEnvironment() throws Exception {
        Path log = dir.resolve("log");
        Modprobe m = new Modprobe(fake("printf '%s|' \"$#\" \"$@\" \"$PATH\" \"${HOME-unset}\" > " + log, "rwxr-xr-x"));
        m.load("vfio-pci");
        assertEquals("1|vfio-pci|/usr/sbin:/usr/bin:/sbin:/bin|unset|", Files.readString(log));
    }

    @Test
    void aFailureSaysWhatModprobeSaid() throws Exception {
        Modprobe m = new Modprobe(fake("echo \"modprobe: FATAL: Module $1 not found in directory /lib/modules/6.1.0\" >&2; exit 1",
                "rwxr-xr-x"));
        HostdevException e = assertThrows(HostdevException.class, () -> m.load("mlx5_vfio_pci"));
        assertEquals(ErrorCode.ENVIRONMENT, e.code());
        assertTrue(e.getMessage().startsWith("modprobe mlx5_vfio_pci failed (exit status 1): modprobe: FATAL: Module "
                + "mlx5_vfio_pci not found"), e.getMessage());
    }

    @Test
    void namesThatCouldBeOptionsOrPathsAreRefusedBeforeAnythingRuns() throws Exception {
        Path log = dir.resolve("ran");
        Modprobe m = new Modprobe(fake("touch " + log, "rwxr-xr-x"));
        for (String bad : List.of("-r", "--all", "../x", "a b", "vfio;reboot", "")) {
            assertEquals(ErrorCode.USAGE, assertThrows(HostdevException.class, () -> m.load(bad)).code(), bad);
        }
        assertFalse(Files.exists(log));
    }

    @Test
    void aProgramOthersCanWriteIsNotTrusted() throws Exception {
        Path p = fake("exit 0", "rwxrwxrwx");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
        HostdevException e = assertThrows(HostdevException.class, () -> new Modprobe(p));
        assertEquals(ErrorCode.ENVIRONMENT, e.code());
        assertTrue(e.getMessage().contains("not a program Hostdev trusts"), e.getMessage());
    }

    @Test
    void theSystemProgramIsLookedUpInFixedDirectoriesNotPath() {
        assertTrue(Modprobe.SYSTEM_PATHS.stream().allMatch(Path::isAbsolute));
        // find() only resolves and checks the file; nothing is run.
        if (Modprobe.SYSTEM_PATHS.stream().anyMatch(Files::isRegularFile)) {
            assertTrue(Modprobe.find().program().isAbsolute());
        }
    }
}
