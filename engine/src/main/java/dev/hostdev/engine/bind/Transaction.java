package dev.hostdev.engine.bind;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.state.Journal;
import dev.hostdev.engine.state.JournalEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import java.util.stream.Collectors;

/**
 * One journalled operation on a set of devices: its journal entry, written before the first sysfs write
 * and rewritten after every step, and the way back: each device put into the state the entry recorded
 * before the operation, planned from the state it is in now (so it is right whatever step was reached).
 */
final class Transaction {
    private static final AtomicLong SEQUENCE = new AtomicLong();
    /** The journal's name for a change of a PF's VF count. */
    static final String SRIOV = "sriov";

    private final Journal journal;
    private final PlanExecutor executor;
    private final BindingProbe probe;
    private JournalEntry entry;

    private Transaction(Journal journal, PlanExecutor executor, BindingProbe probe, JournalEntry entry) {
        this.journal = journal;
        this.executor = executor;
        this.probe = probe;
        this.entry = entry;
    }

    /** Starts an operation: its journal entry is durable when this returns. */
    static Transaction begin(Journal journal, PlanExecutor executor, BindingProbe probe, String operation,
                             String requester, String bootId, List<JournalEntry.JournalDevice> devices) {
        long pid = ProcessHandle.current().pid();
        Instant now = Instant.now();
        String id = now.toString().replace(":", "").replace("-", "") + "-" + pid + "-" + SEQUENCE.incrementAndGet();
        Transaction t = new Transaction(journal, executor, probe, new JournalEntry(id, operation, pid, requester, now.toString(), bootId, devices));
        journal.save(t.entry);
        return t;
    }

    /** Takes over an operation a dead process left in the journal. */
    static Transaction resume(Journal journal, PlanExecutor executor, BindingProbe probe, JournalEntry entry) {
        return new Transaction(journal, executor, probe, entry);
    }

    /** A journal line for a device about to follow {@code plan}. */
    static JournalEntry.JournalDevice journalDevice(DevicePlan plan, String pciId, String recordedDriver,
                                                    boolean leaveUnbound, String target) {
        return new JournalEntry.JournalDevice(plan.device().toString(), pciId, plan.before().driver().orElse(null),
                plan.before().override().orElse(null), recordedDriver, leaveUnbound, target,
                plan.steps().stream().map(PlanStep::describe).toList(), 0);
    }

    JournalEntry entry() {
        return entry;
    }

    /** Notes in the journal, durably, how many steps of the device's plan are done. */
    IntConsumer stepsOf(PciAddress device) {
        return n -> {
            for (JournalEntry.JournalDevice d : entry.devices()) {
                if (d.address().equals(device.toString())) {
                    entry = entry.withDevice(d.withStepsDone(n));
                    journal.save(entry);
                    return;
                }
            }
        };
    }

    /** The operation is complete: its journal entry goes. */
    void commit() {
        journal.finish(entry);
    }

    /** The plan that puts a device of the entry back as it was before the operation. */
    DevicePlan rollbackPlan(JournalEntry.JournalDevice d) {
        PciAddress a = PciAddress.parse(d.address());
        if (entry.operation().equals(SRIOV)) {
            return SriovPlanner.restore(a, probe.state(a), probe.numVfs(a), SriovPlanner.originalCount(a, d.steps()));
        }
        BindingState original = BindingState.of(d.originalDriver(), d.originalDriverOverride());
        return RollbackPlanner.plan(a, probe.state(a), original, original.driver().map(probe::driverLoaded).orElse(false));
    }

    /** Puts every device back as it was, last first; adds an outcome per device; returns what could not be done. */
    List<String> rollBack(List<DeviceOutcome> outcomes) {
        List<String> problems = new ArrayList<>();
        List<DeviceOutcome> undone = new ArrayList<>();
        List<JournalEntry.JournalDevice> reversed = new ArrayList<>(entry.devices());
        Collections.reverse(reversed);
        for (JournalEntry.JournalDevice d : reversed) {
            PciAddress a = PciAddress.parse(d.address());
            try {
                DevicePlan plan = rollbackPlan(d);
                PlanExecutor.Execution ex = executor.execute(plan, n -> { });
                undone.add(new DeviceOutcome(a, Outcome.RECOVERED, plan.before(), probe.state(a), ex.writes(),
                        Optional.empty(), ex.warnings()));
            } catch (RuntimeException e) {
                problems.add(a + ": " + e.getMessage());
            }
        }
        Collections.reverse(undone);
        outcomes.addAll(undone);
        return problems;
    }

    /**
     * After a failure: rolls every device back and returns the one error to throw, saying what failed and
     * that it was undone, or that undoing failed too and the journal is kept for {@code hostdev recover}.
     */
    HostdevException abort(RuntimeException failure) {
        List<String> problems = rollBack(new ArrayList<>());
        HostdevException cause = failure instanceof HostdevException h ? h
                : new HostdevException(ErrorCode.INTERNAL, failure.toString(), "this is a bug in Hostdev; please report it", failure);
        String operation = entry.operation();
        if (problems.isEmpty()) {
            commit();
            String restored = entry.devices().stream()
                    .map(d -> operation.equals(SRIOV) ? d.address() + " has its VFs"
                            : d.address() + " is on " + (d.originalDriver() == null ? "no driver" : d.originalDriver()))
                    .collect(Collectors.joining(", "));
            return new HostdevException(cause.code(), operation + " failed: " + cause.getMessage()
                    + "; rolled back (" + restored + " again)", cause.hint(), failure);
        }
        return new HostdevException(cause.code(), operation + " failed: " + cause.getMessage()
                + "; rolling back failed too: " + String.join("; ", problems),
                "fix the cause and run 'hostdev recover': the journal under /run/hostdev/journal says what to restore",
                failure);
    }
}
