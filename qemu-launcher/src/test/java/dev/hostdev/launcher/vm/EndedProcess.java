package dev.hostdev.launcher.vm;

import java.io.IOException;

/** A process that has ended (and been reaped): its identity names no live process, as a crashed QEMU's record does. */
public final class EndedProcess {
    private EndedProcess() {
    }

    /** The identity of a {@code true} that has run and exited. */
    public static ProcessIdentity identity() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return ProcessIdentity.of(p.toHandle());
    }
}
