package dev.hostdev.launcher.vm;

import dev.hostdev.engine.bind.SysfsWrite;
import dev.hostdev.launcher.qmp.QmpCall;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One step of a VM operation's plan ({@link VmOperationPlan}): what the dry run prints, in the order the real
 * run takes them. Steps are values: a test compares the plan a dry run printed with what the real run did.
 */
public sealed interface PlanStep {
    /** One line (or more, for writes) saying what the step does. */
    List<String> lines();

    /**
     * A check that held when the plan was made (the real run makes the same ones and refuses on the same ones).
     *
     * @param what what was checked, e.g. {@code 0000:19:00.0 is present and already bound to vfio-pci}
     */
    record Checked(String what) implements PlanStep {
        /** Requires the text. */
        public Checked {
            Objects.requireNonNull(what);
        }

        @Override
        public List<String> lines() {
            return List.of("check: " + what);
        }
    }

    /**
     * Sysfs writes through the engine, e.g. a managed device detached or given back.
     *
     * @param what   why, e.g. {@code detach 0000:19:00.0 to vfio-pci}
     * @param writes the writes, in order (empty when nothing needs writing)
     */
    record SysfsWrites(String what, List<SysfsWrite> writes) implements PlanStep {
        /** Copies the list. */
        public SysfsWrites {
            Objects.requireNonNull(what);
            writes = List.copyOf(writes);
        }

        @Override
        public List<String> lines() {
            List<String> out = new java.util.ArrayList<>();
            out.add(what + ":" + (writes.isEmpty() ? " nothing to write" : ""));
            writes.forEach(w -> out.add("  " + w.describe()));
            return out;
        }
    }

    /**
     * A QMP command.
     *
     * @param call   the command
     * @param expect what its answer must show, or {@code null}
     */
    record Qmp(QmpCall call, String expect) implements PlanStep {
        /** Requires the call. */
        public Qmp {
            Objects.requireNonNull(call);
        }

        @Override
        public List<String> lines() {
            return List.of("QMP: " + call.render() + (expect == null ? "" : "  (expect " + expect + ")"));
        }
    }

    /**
     * A wait with a bound.
     *
     * @param what    what is waited for, e.g. {@code DEVICE_DELETED of hp1}
     * @param timeout how long at most
     * @param then    what happens when it does not come, or {@code null}
     */
    record Wait(String what, Duration timeout, String then) implements PlanStep {
        /** Requires what and the timeout. */
        public Wait {
            Objects.requireNonNull(what);
            Objects.requireNonNull(timeout);
        }

        @Override
        public List<String> lines() {
            return List.of("wait up to " + seconds(timeout) + " for " + what + (then == null ? "" : "; if not, " + then));
        }
    }

    /**
     * Anything else the real run does, said plainly (a signal, a process started, a record written).
     *
     * @param what the action
     */
    record Action(String what) implements PlanStep {
        /** Requires the text. */
        public Action {
            Objects.requireNonNull(what);
        }

        @Override
        public List<String> lines() {
            return List.of(what);
        }
    }

    /** {@code 5 s}, {@code 1.5 s}, {@code 200 ms}. */
    static String seconds(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        return ms % 1000 == 0 ? (ms / 1000) + " s" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }
}
