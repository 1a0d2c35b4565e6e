package dev.hostdev.engine.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first native call of a command loads the C library without starting a process: JNA, left to itself, runs
 * {@code /sbin/ldconfig -p} to learn the library directories, a child process in every command that takes a lock.
 */
class LibCStartsNoProcessTest {
    @TempDir
    Path dir;

    /** Makes one native call and prints the directories JNA was given. */
    public static void main(String[] args) {
        Posix.effectiveUid();
        LibC.geteuid();
        System.out.println(System.getProperty("jna.platform.library.path"));
    }

    @Test
    void theFirstNativeCallStartsNoProcess() throws Exception {
        Path log = dir.resolve("classes.log");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xshare:off", "-Xlog:class+load=info:file=" + log,
                "-cp", System.getProperty("java.class.path"), LibCStartsNoProcessTest.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("/usr/lib"), "the directories JNA was given: " + out);
        List<String> started = Files.readAllLines(log).stream()
                .filter(l -> l.contains("java.lang.ProcessImpl ") || l.contains("java.lang.ProcessBuilder ")).toList();
        assertFalse(started.stream().anyMatch(l -> l.contains("ProcessImpl")), "a process was started: " + started);
    }
}
