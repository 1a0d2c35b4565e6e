package dev.hostdev.launcher.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The options the supervisor's JVM gets: its own archive and JNA's library beside the jar, only when fresh and trusted. */
class SupervisorJvmTest {
    @TempDir
    Path dir;

    private Path jar() throws Exception {
        Path jar = Files.writeString(dir.resolve("hostdev.jar"), "jar");
        Files.setLastModifiedTime(jar, FileTime.fromMillis(1_000_000));
        return jar;
    }

    private Path file(String name, String mode) throws Exception {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, "code");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        Files.setLastModifiedTime(p, FileTime.fromMillis(2_000_000));
        return p;
    }

    @Test
    void theSupervisorsOwnArchiveIsPreferredAndAnyOtherUserWritableOneRefused() throws Exception {
        String jar = jar().toString();
        assertEquals(List.of(), Supervisor.sharedArchive(jar), "no archive");
        Path all = file("hostdev-all.jsa", "rw-r--r--");
        assertEquals(List.of("-XX:SharedArchiveFile=" + all, "-Xshare:auto"), Supervisor.sharedArchive(jar));
        Path own = file("hostdev-supervise.jsa", "rw-r--r--");
        assertEquals(List.of("-XX:SharedArchiveFile=" + own, "-Xshare:auto"), Supervisor.sharedArchive(jar));
        Files.setPosixFilePermissions(own, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertEquals(List.of("-XX:SharedArchiveFile=" + all, "-Xshare:auto"), Supervisor.sharedArchive(jar),
                "an archive others may write is code others could give the supervisor: refused");
        Files.setLastModifiedTime(all, FileTime.fromMillis(1));
        assertEquals(List.of(), Supervisor.sharedArchive(jar), "older than the jar: stale");
        assertEquals(List.of(), Supervisor.sharedArchive(jar + ":/other.jar"), "not run from one jar");
    }

    @Test
    void jnasLibraryIsPassedOnlyWhenItAndItsDirectoryAreTrusted() throws Exception {
        String jar = jar().toString();
        assertEquals(List.of(), Supervisor.jnaLibrary(jar));
        Path lib = file("jna/libjnidispatch.so", "rw-r--r--");
        Files.setPosixFilePermissions(lib.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
        assertEquals(List.of("-Djna.boot.library.path=" + lib.getParent(), "-Djna.nosys=true"), Supervisor.jnaLibrary(jar));
        Files.setPosixFilePermissions(lib.getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));
        assertEquals(List.of(), Supervisor.jnaLibrary(jar), "a directory anyone may write into");
        Files.setPosixFilePermissions(lib.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.delete(lib);
        Files.createSymbolicLink(lib, file("elsewhere.so", "rw-r--r--"));
        assertEquals(List.of(), Supervisor.jnaLibrary(jar), "a link is refused");
    }

    @Test
    void theJvmIsSizedForItsOneJob() {
        assertTrue(Supervisor.JVM_OPTIONS.containsAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx32m")),
                Supervisor.JVM_OPTIONS.toString());
    }
}
