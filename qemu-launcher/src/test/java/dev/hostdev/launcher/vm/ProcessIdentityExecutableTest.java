package dev.hostdev.launcher.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A pid is taken for the recorded process only with its start time and its executable (issue 11, item 3). */
@Timeout(30)
class ProcessIdentityExecutableTest {
    @Test
    void anotherExecutableOrAnUnknownStartTimeIsAnotherProcess() throws Exception {
        Process p = new ProcessBuilder("sleep", "30").start();
        try {
            ProcessIdentity id = ProcessIdentity.of(p.toHandle());
            assertEquals(Path.of("/proc", Long.toString(p.pid()), "exe").toRealPath().toString(), id.executable());
            assertTrue(id.isAlive());
            assertTrue(id.handle().isPresent());
            ProcessIdentity otherProgram = new ProcessIdentity(p.pid(), id.startEpochMillis(), "/usr/bin/qemu-system-x86_64");
            assertFalse(otherProgram.isAlive());
            assertTrue(otherProgram.handle().isEmpty(), "never signalled");
            assertFalse(new ProcessIdentity(p.pid(), 0, id.executable()).isAlive(), "no start time: cannot be told apart");
            assertFalse(new ProcessIdentity(p.pid(), id.startEpochMillis(), null).isAlive(), "no executable: cannot be told apart");
        } finally {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aProcessStartedThroughSetsidIsRecordedAsItsProgram() throws Exception {
        Path setsid = Path.of("/usr/bin/setsid");
        assumeTrue(Files.isExecutable(setsid), "needs " + setsid);
        Process p = new ProcessBuilder(setsid.toString(), "sleep", "30").start();
        try {
            ProcessIdentity id = ProcessIdentity.of(p.toHandle(), "sleep");
            assertFalse(id.executable().endsWith("/setsid"), id.executable());
            // of() returns once setsid has exec'ed sleep: a record written then already names a live process
            // (vm start's record once called a just-started supervisor gone)
            assertTrue(id.isAlive(), "the same pid runs sleep as soon as its identity is taken");
            assertEquals(Path.of("/proc", Long.toString(p.pid()), "exe").toRealPath().toString(), id.executable());
        } finally {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aRecordWithoutTheExecutableIsReadButMatchesNoProcess() throws Exception {
        ProcessIdentity old = new com.fasterxml.jackson.databind.ObjectMapper().readValue(
                "{\"pid\":" + ProcessHandle.current().pid() + ",\"startEpochMillis\":"
                        + ProcessIdentity.of(ProcessHandle.current()).startEpochMillis() + "}", ProcessIdentity.class);
        assertEquals(null, old.executable());
        assertFalse(old.isAlive());
    }
}
