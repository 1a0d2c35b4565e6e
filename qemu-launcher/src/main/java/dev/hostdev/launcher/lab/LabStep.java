package dev.hostdev.launcher.lab;

/**
 * One step of the lab's walk through the procedure: what it does, and how it runs and is judged inside
 * the guest. Each step judges on what the kernel and QEMU really did (driver links, {@code /dev/vfio},
 * QEMU's answers), not on what Hostdev printed. Steps run in order on one guest; each leaves the state
 * the next one expects.
 */
public interface LabStep {
    /** What the step does, e.g. {@code detach 0000:03:00.0 to vfio-pci}. */
    String title(LabDevices dev);

    /** Runs the step's commands through {@code c} and judges them. */
    StepVerdict run(StepContext c);

    /** A failed verdict quoting a command's exit status and first line of output. */
    static StepVerdict failed(StepOutcome o) {
        return StepVerdict.failed(o.name() + ": exit " + o.exit() + ": " + o.firstLine());
    }
}
