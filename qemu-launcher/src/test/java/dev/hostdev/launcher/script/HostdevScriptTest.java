package dev.hostdev.launcher.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code hostdev} script, installed (beside a hostdev.jar), passes the JVM a class-data archive and JNA's library
 * only when they are fresh and trusted: an archive is code. A stand-in {@code java} first on PATH prints the
 * command line the script runs.
 */
class HostdevScriptTest {
    private static final Path SCRIPT = Path.of("..", "hostdev").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private Path install;

    @BeforeEach
    void install() throws Exception {
        assumeTrue(Files.isRegularFile(SCRIPT), "the script is at the top of the checkout: " + SCRIPT);
        install = Files.createDirectories(dir.resolve("lib"));
        Files.setPosixFilePermissions(install, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.copy(SCRIPT, install.resolve("hostdev"));
        Files.writeString(install.resolve("hostdev.jar"), "not a jar: the stand-in java never opens it");
        Files.setLastModifiedTime(install.resolve("hostdev.jar"), FileTime.fromMillis(1_000_000));
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho \"java $*\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Path file(String name) throws Exception {
        Path p = install.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, "code");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setLastModifiedTime(p, FileTime.fromMillis(2_000_000));
        return p;
    }

    private String run(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("bash", install.resolve("hostdev").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PATH", dir.resolve("bin") + ":/usr/bin:/bin");
        Process p = pb.start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void aFreshArchiveAndJnasLibraryOfThisUserArePassed() throws Exception {
        Path jsa = file("hostdev-all.jsa");
        Path lib = file("jna/libjnidispatch.so");
        String line = run("vm", "list");
        assertTrue(line.contains("-XX:SharedArchiveFile=" + jsa + " -Xshare:auto"), line);
        assertTrue(line.contains("-Djna.boot.library.path=" + lib.getParent() + " -Djna.nosys=true"), line);
        assertTrue(line.endsWith("-jar " + install.resolve("hostdev.jar") + " vm list\n"), line);
    }

    @Test
    void aPlainListGetsItsOwnArchive() throws Exception {
        file("hostdev-all.jsa");
        Path list = file("hostdev-list.jsa");
        assertTrue(run("list").contains("-XX:SharedArchiveFile=" + list + " "));
    }

    @Test
    void anArchiveOrLibraryOfAnotherUserIsNotUsed() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to give a file to another user");
        UserPrincipal nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Path jsa = file("hostdev-all.jsa");
        Path lib = file("jna/libjnidispatch.so");
        Files.setOwner(jsa, nobody);
        Files.setOwner(lib, nobody);
        String line = run("vm", "list");
        assertFalse(line.contains("SharedArchiveFile"), "an archive another user could have written is code: " + line);
        assertFalse(line.contains("jna.boot.library.path"), line);
    }

    @Test
    void aStaleArchiveIsNotUsedAndTrainingRunsThatFailLeaveHostdevRunning() throws Exception {
        Path jsa = file("hostdev-all.jsa");
        Files.setLastModifiedTime(jsa, FileTime.fromMillis(1));
        // the script remakes the archives; the stand-in java loads no class and makes none: no archive, still a run
        String line = run("vm", "list");
        assertFalse(line.contains("SharedArchiveFile"), line);
        assertTrue(line.endsWith("vm list\n"), line);
    }
}
