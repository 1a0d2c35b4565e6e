package dev.hostdev.launcher.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A QEMU that ended is seen as ended only once its exit status can be read: {@code vm run} waits for
 * {@link QemuProcess#isAlive()} to turn false and then reads {@link QemuProcess#exitValue()}; a process handle says
 * "ended" as soon as the child is a zombie, before the JDK has reaped it (an internal error in {@code vm run}, seen once).
 */
class QemuProcessEndTest {
    @TempDir
    Path dir;

    @Test
    void theExitStatusCanBeReadOnceItNoLongerRuns() throws Exception {
        for (int i = 0; i < 300; i++) {
            QemuProcess p = QemuProcess.start(List.of("/bin/sh", "-c", "exit 3"), dir.resolve("log"), false);
            while (p.isAlive()) {
                Thread.onSpinWait();
            }
            assertEquals(3, p.exitValue(), "run " + i);
        }
    }
}
