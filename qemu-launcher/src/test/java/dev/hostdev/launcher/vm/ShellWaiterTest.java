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
        w.waiter().onExit().get(20, TimeUnit.SECONDS); // the waiter ends once its clean-up has
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

    @Test
    void theStarterLeavesNoChildBehind() throws Exception {
        // a child still running keeps the JVM's reaper in a native waitpid: a JVM that exits then waits 300 ms for it
        ShellWaiter.Waited w = ShellWaiter.start(List.of("/bin/sh", "-c", "sleep 1"), tmp.resolve("q.log"), tmp.resolve("c.log"),
                "/bin/true", tmp.resolve("args"), Map.of());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (ProcessHandle.current().children().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(List.of(), ProcessHandle.current().children().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList(),
                "children of this JVM while QEMU runs");
        assertTrue(w.qemu().isAlive(), "QEMU runs on under its waiter");
        assertEquals(w.waiter().pid(), w.qemu().parent().orElseThrow().pid());
        w.waiter().onExit().get(20, TimeUnit.SECONDS);
    }
}
