package dev.hostdev.launcher.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The waiter with a stand-in QEMU (a shell that ends as told) and {@code /bin/echo} as its clean-up: it hands over
 * the right pid and exit status, and no argument is ever read as shell code.
 */
class ShellWaiterTest {
    @TempDir
    Path tmp;

    private String runToEnd(List<String> qemu) throws Exception {
        Path qemuLog = tmp.resolve("qemu $(touch pwned).log");
        Path cleanupLog = tmp.resolve("cleanup.log");
        ShellWaiter.Waited w = ShellWaiter.start(qemu, qemuLog, cleanupLog, "/bin/echo", tmp.resolve("args;touch pwned"), Map.of());
        assertTrue(w.qemu().parent().map(p -> p.pid() == w.waiter().pid()).orElse(true), "QEMU is the waiter's child");
        assertTrue(w.waiter().waitFor(20, TimeUnit.SECONDS), "the waiter ends once its clean-up has");
        assertFalse(Files.exists(tmp.resolve("pwned")), "no argument ran as code");
        String[] lines = Files.readString(cleanupLog).strip().split("\n");
        String out = lines[lines.length - 1]; // before it, the shell's own word on a killed child ("Killed")
        assertEquals("@" + tmp.resolve("args;touch pwned") + " --qemu-pid " + w.qemu().pid() + " --after-exit ", out.replaceAll("\\d+$", ""));
        return out.replaceAll(".* ", "");
    }

    @Test
    void theExitStatusIsHandedToTheClean_up() throws Exception {
        assertEquals("3", runToEnd(List.of("/bin/sh", "-c", "sleep 0.2; exit 3")));
    }

    @Test
    void aSignalShowsAs128PlusItsNumber() throws Exception {
        assertEquals("137", runToEnd(List.of("/bin/sh", "-c", "sleep 0.2; kill -9 $$")));
    }

    @Test
    void qemusArgumentsStayWhole() throws Exception {
        assertEquals("0", runToEnd(List.of("/bin/sh", "-c", "[ \"$1\" = 'a b;$(x)' ] && sleep 0.2", "sh", "a b;$(x)")));
    }
}
