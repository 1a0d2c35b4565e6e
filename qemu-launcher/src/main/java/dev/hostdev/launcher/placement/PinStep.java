package dev.hostdev.launcher.placement;

import dev.hostdev.engine.numa.CpuList;

/** One affinity change after start: a QEMU thread's CPUs, or an interrupt's. */
public sealed interface PinStep {
    /** What it changes, for people. */
    String describe();

    /**
     * sched_setaffinity of a QEMU thread.
     *
     * @param tid  the thread id
     * @param what {@code vcpu 0} or {@code emulator thread 'worker' }
     * @param cpus its CPUs
     */
    record ThreadAffinity(int tid, String what, CpuList cpus) implements PinStep {
        @Override
        public String describe() {
            return what + " (thread " + tid + ") -> CPUs " + cpus;
        }
    }

    /**
     * A write of {@code /proc/irq/N/smp_affinity_list}.
     *
     * @param irq    the interrupt
     * @param device the hostdev id and address it belongs to
     * @param cpus   its CPUs
     */
    record IrqAffinity(int irq, String device, CpuList cpus) implements PinStep {
        /** The file written, as the host names it. */
        public String path() {
            return "/proc/irq/" + irq + "/smp_affinity_list";
        }

        @Override
        public String describe() {
            return "write '" + cpus + "' to " + path() + " (" + device + ")";
        }
    }
}
