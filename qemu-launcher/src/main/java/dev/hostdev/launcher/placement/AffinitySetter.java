package dev.hostdev.launcher.placement;

import dev.hostdev.engine.numa.CpuList;
import dev.hostdev.engine.posix.Posix;

/** Sets a thread's CPU affinity: sched_setaffinity through the project's one native seam; tests record instead. */
@FunctionalInterface
public interface AffinitySetter {
    /** @throws com.sun.jna.LastErrorException with the errno (ESRCH: the thread is gone, EINVAL: no such CPU) */
    void set(int tid, CpuList cpus);

    /** The real one. */
    static AffinitySetter native_() {
        return (tid, cpus) -> Posix.setAffinity(tid, cpus.cpus());
    }
}
