package dev.hostdev.launcher.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A process is told apart by pid and start time, read from /proc in one go, as the JDK reads them. */
@org.junit.jupiter.api.Timeout(30)
class ProcessIdentityTest {
    @Test
    void aRunningProcessIsAliveAndItsStartTimeAgreesWithTheJdks() throws Exception {
        Process p = new ProcessBuilder("sleep", "30").start();
        try {
            ProcessIdentity id = ProcessIdentity.of(p.toHandle());
            assertTrue(id.isAlive());
            ProcStat s = ProcStat.parse(Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat")));
            long ours = ProcStat.startEpochMillis(s.startTicks());
            assertTrue(Math.abs(ours - id.startEpochMillis()) < 20, ours + " vs the JDK's " + id.startEpochMillis());
        } finally {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void anEndedProcessOrAnotherOneWithItsPidIsNotAlive() throws Exception {
        Process p = new ProcessBuilder("true").start();
        ProcessIdentity id = ProcessIdentity.of(p.toHandle());
        p.waitFor(5, TimeUnit.SECONDS);
        assertFalse(id.isAlive(), "reaped");
        ProcessIdentity me = ProcessIdentity.of(ProcessHandle.current());
        assertTrue(me.isAlive());
        assertFalse(new ProcessIdentity(me.pid(), me.startEpochMillis() - 60_000).isAlive(), "same pid, another start: another process");
    }

    @Test
    void aStartTimeReadAgainstABootTimeOneSecondOffIsStillTheSameProcess() {
        // btime, read by another JVM (vm start's) a moment earlier, may be a second off this one's: a live QEMU
        // then looked dead to vm stop, which recorded it crashed and left it running
        ProcessIdentity me = ProcessIdentity.of(ProcessHandle.current());
        assertTrue(new ProcessIdentity(me.pid(), me.startEpochMillis() + 1005, me.executable()).isAlive());
        assertTrue(new ProcessIdentity(me.pid(), me.startEpochMillis() - 1005, me.executable()).isAlive());
        assertFalse(new ProcessIdentity(me.pid(), me.startEpochMillis() + ProcessIdentity.START_TOLERANCE_MILLIS + 1000,
                me.executable()).isAlive(), "beyond the tolerance: another process with this pid");
    }

    @Test
    void aZombieHasEnded() throws Exception {
        // the child of a shell that is stopped cannot be reaped: it stays a zombie until the shell goes on
        Process sh = new ProcessBuilder("sh", "-c", "sleep 0.3 & echo $!; kill -STOP $$; wait").start();
        try {
            long child = Long.parseLong(new java.io.BufferedReader(new java.io.InputStreamReader(sh.getInputStream())).readLine().trim());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            ProcStat s;
            do {
                s = ProcStat.parse(Files.readString(Path.of("/proc", Long.toString(child), "stat")));
            } while (s.state() != 'Z' && System.nanoTime() < deadline);
            assertEquals('Z', s.state());
            assertFalse(new ProcessIdentity(child, 0).isAlive());
        } finally {
            sh.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aCommandNameWithSpacesAndParenthesesIsSkippedWhole() {
        String line = "123 (a) b) (c) S 1 123 123 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 98765 1000 10";
        ProcStat s = ProcStat.parse(line);
        assertEquals('S', s.state());
        assertEquals(98765, s.startTicks());
        assertNull(ProcStat.parse("garbage"));
    }
}
