package dev.hostdev.engine.bind;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.guard.HostGuard;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.state.DeviceLocks;
import dev.hostdev.engine.state.DeviceRecords;
import dev.hostdev.engine.state.Journal;
import dev.hostdev.engine.state.JournalEntry;
import dev.hostdev.engine.state.JournalScan;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Finishes or rolls back the operations dead processes left in the journal, and trusts no entry for it:
 * an entry is acted on only if it is exactly what Hostdev writes ({@link Journal#scan()}), was written
 * during this boot, names devices that still have the {@code vendor:device} it recorded and sit on a
 * driver the operation could have left them on, and the host-use guard and the claim check pass for every
 * device it would change. Any other entry is reported, with what could be read of it, and nothing is
 * written for it.
 */
final class Recovery {
    /** The part of reattaching that recovery shares with {@link DeviceBinder#reattach}. */
    interface Reattacher {
        DevicePlan plan(PciAddress a, Optional<String> original, Optional<String> stub, boolean leaveUnbound);

        BindResult run(List<DevicePlan> plans, Transaction resumed);
    }

    private final Journal journal;
    private final DeviceLocks locks;
    private final BindingProbe probe;
    private final PlanExecutor executor;
    private final DeviceRecords records;
    private final BindObserver observer;
    private final HostGuard guard;
    private final Optional<String> bootId;
    private final Reattacher reattacher;

    Recovery(Journal journal, DeviceLocks locks, BindingProbe probe, PlanExecutor executor, DeviceRecords records,
             BindObserver observer, HostGuard guard, Optional<String> bootId, Reattacher reattacher) {
        this.journal = journal;
        this.locks = locks;
        this.probe = probe;
        this.executor = executor;
        this.records = records;
        this.observer = observer;
        this.guard = guard;
        this.bootId = bootId;
        this.reattacher = reattacher;
    }

    /** See {@link DeviceBinder#recover(boolean)}. */
    BindResult recover(boolean dryRun) {
        JournalScan scan = journal.scan();
        List<String> refused = new ArrayList<>(scan.refused().stream().map(JournalScan.Refused::describe).toList());
        Set<ErrorCode> codes = new HashSet<>();
        if (!refused.isEmpty()) {
            codes.add(ErrorCode.STATE);
        }
        List<DeviceOutcome> outcomes = new ArrayList<>();
        for (JournalEntry entry : scan.entries()) {
            if (ofAnotherBoot(entry)) {
                continue; // ended by a host reboot: reported by previousBoot, never acted on
            }
            List<PciAddress> devices = entry.devices().stream().map(d -> PciAddress.parse(d.address())).toList();
            if (dryRun) {
                try {
                    List<DevicePlan> plans = check(entry);
                    plans.forEach(p -> outcomes.add(DeviceBinder.planned(p, Outcome.RECOVERED)));
                } catch (HostdevException e) {
                    refused.add(describe(entry) + ": " + e.getMessage());
                    codes.add(e.code());
                }
                continue;
            }
            DeviceLocks.LockSet held;
            try {
                held = locks.acquireAll(devices);
            } catch (HostdevException busy) {
                if (busy.code() != ErrorCode.BUSY) {
                    throw busy;
                }
                for (PciAddress a : devices) {
                    BindingState s = probe.state(a);
                    outcomes.add(new DeviceOutcome(a, Outcome.IN_PROGRESS, s, s, List.of(), Optional.empty(),
                            List.of(busy.getMessage())));
                }
                continue;
            }
            try (held) {
                outcomes.addAll(recoverEntry(entry));
            } catch (Refusal r) {
                refused.add(r.entry + ": " + r.reason.getMessage());
                codes.add(r.reason.code());
            }
        }
        if (!refused.isEmpty()) {
            String done = outcomes.isEmpty() ? "" : "; " + (dryRun ? "would recover " : "recovered ")
                    + outcomes.stream().map(o -> o.device().toString()).distinct().collect(Collectors.joining(", "));
            throw new HostdevException(codes.size() == 1 ? codes.iterator().next() : ErrorCode.STATE,
                    refused.size() + " journal entr" + (refused.size() == 1 ? "y was" : "ies were") + " not acted on: "
                            + String.join("; ", refused) + done,
                    "nothing was written for " + (refused.size() == 1 ? "it" : "them") + ". Read each file under "
                            + "/run/hostdev/journal, put its devices back by hand if they need it ('hostdev show DEV' says "
                            + "where each is), then delete the file; or remove the cause named and run 'hostdev recover' again");
        }
        return new BindResult(dryRun, outcomes);
    }

    /**
     * Before a detach or reattach of these devices (whose locks are held): recovers the entries that
     * involve them, refusing (with the entry named) when such an entry is invalid or fails its checks.
     */
    void recoverPendingFor(Iterable<PciAddress> devices, DeviceLocks.LockSet held) {
        Set<String> mine = new HashSet<>();
        devices.forEach(d -> mine.add(d.toString()));
        JournalScan scan = journal.scan();
        for (JournalScan.Refused r : scan.refused()) {
            if (r.addresses().stream().anyMatch(mine::contains) || r.addresses().isEmpty()) {
                throw new HostdevException(ErrorCode.STATE, "an interrupted operation's journal entry cannot be trusted: "
                        + r.describe(), "read it, put the devices it names back by hand if they need it, then delete it");
            }
        }
        for (JournalEntry entry : scan.entries()) {
            if (ofAnotherBoot(entry) || entry.devices().stream().noneMatch(d -> mine.contains(d.address()))) {
                continue;
            }
            for (JournalEntry.JournalDevice d : entry.devices()) {
                PciAddress a = PciAddress.parse(d.address());
                if (!held.holds(a)) {
                    held.add(locks.acquire(a));
                }
            }
            try {
                recoverEntry(entry);
            } catch (Refusal r) {
                throw new HostdevException(r.reason.code(), "cannot recover " + r.entry + " first: " + r.reason.getMessage(),
                        r.reason.hint(), r.reason);
            }
        }
    }

    /**
     * Whether an entry was written during another boot: the reboot has reset its devices (drivers re-probed,
     * {@code driver_override} and VF counts gone), so it describes nothing that is still half done, and this boot
     * may already have bound those devices as it should.
     */
    boolean ofAnotherBoot(JournalEntry entry) {
        return !Objects.equals(entry.bootId(), bootId.orElse(null));
    }

    /**
     * The entries of another boot, each described as ended by a host reboot; with {@code retire}, each is then
     * removed (nothing else is done for it: its devices are not touched).
     */
    List<String> previousBoot(boolean retire) {
        List<String> out = new ArrayList<>();
        for (JournalEntry entry : journal.scan().entries()) {
            if (!ofAnotherBoot(entry)) {
                continue;
            }
            out.add(describe(entry) + " was written during boot " + Optional.ofNullable(entry.bootId()).orElse("(unknown)")
                    + " and ended by a host reboot (this boot is " + bootId.orElse("unknown") + "): the reboot reset its devices, "
                    + "nothing was done to them" + (retire ? "; entry removed" : ""));
            if (retire) {
                journal.finish(entry);
            }
        }
        return out;
    }

    /** An entry that failed its checks: nothing was written for it. */
    private static final class Refusal extends RuntimeException {
        private final String entry;
        private final HostdevException reason;

        Refusal(String entry, HostdevException reason) {
            super(entry + ": " + reason.getMessage(), reason);
            this.entry = entry;
            this.reason = reason;
        }
    }

    /**
     * The checks before anything is written for an entry; returns the plans.
     *
     * @throws HostdevException STATE (stale, another device, an unexpected driver), HOST_IN_USE or BUSY
     */
    private List<DevicePlan> check(JournalEntry entry) {
        if (!Objects.equals(entry.bootId(), bootId.orElse(null))) {
            throw new HostdevException(ErrorCode.STATE, "it was written during another boot (boot id "
                    + entry.bootId() + ", this boot is " + bootId.orElse("unknown") + "): the reboot has reset its devices",
                    "check the devices with 'hostdev show' and delete the entry");
        }
        for (JournalEntry.JournalDevice d : entry.devices()) {
            PciAddress a = PciAddress.parse(d.address());
            Optional<String> now = probe.pciId(a);
            if (now.isEmpty()) {
                throw new HostdevException(ErrorCode.STATE, a + " is gone", "delete the entry");
            }
            if (!now.get().equals(d.pciId())) {
                throw new HostdevException(ErrorCode.STATE, a + " is now " + now.get() + " but the journal recorded "
                        + d.pciId() + ": not the same device", "delete the entry");
            }
            Optional<String> driver = probe.state(a).driver();
            Set<String> possible = new LinkedHashSet<>();
            if (entry.operation().equals("detach")) {
                possible.add(d.originalDriver());
                possible.add(d.targetDriver());
            } else if (entry.operation().equals(Transaction.SRIOV)) {
                possible.add(d.originalDriver()); // a VF count change leaves the PF's driver as it was
            } else if (d.recordedDriver() != null) {
                possible.add(d.originalDriver());
                possible.add(d.recordedDriver());
            }
            possible.remove(null);
            boolean anyDriver = entry.operation().equals("reattach") && d.recordedDriver() == null;
            if (driver.isPresent() && !anyDriver && !possible.contains(driver.get())) {
                throw new HostdevException(ErrorCode.STATE, a + " is on " + driver.get() + ", where the interrupted "
                        + entry.operation() + " could not have left it (it went from "
                        + Optional.ofNullable(d.originalDriver()).orElse("no driver") + " to "
                        + Optional.ofNullable(entry.operation().equals("detach") ? d.targetDriver() : d.recordedDriver())
                                .orElse("a host driver") + ")", "delete the entry if the device is as it should be");
            }
        }
        List<DevicePlan> plans = entry.devices().stream().map(d -> recoveryPlan(entry, d)).toList();
        List<PciAddress> changing = plans.stream().filter(p -> !p.isNoop()).map(DevicePlan::device).toList();
        if (!changing.isEmpty()) {
            guard.checkHostUse(changing, false);
            guard.checkClaims(changing);
        }
        return plans;
    }

    private DevicePlan recoveryPlan(JournalEntry entry, JournalEntry.JournalDevice d) {
        if (entry.operation().equals("reattach")) {
            return reattacher.plan(PciAddress.parse(d.address()), Optional.ofNullable(d.recordedDriver()),
                    Optional.ofNullable(d.originalDriver()), d.leaveUnbound());
        }
        return Transaction.resume(journal, executor, probe, entry).rollbackPlan(d);
    }

    private static String describe(JournalEntry entry) {
        return "the interrupted " + entry.operation() + " " + entry.id() + " of "
                + entry.devices().stream().map(JournalEntry.JournalDevice::address).collect(Collectors.joining(", "))
                + " (pid " + entry.pid() + ", " + entry.requester() + ", " + entry.startedAt() + ")";
    }

    private List<DeviceOutcome> recoverEntry(JournalEntry entry) {
        try {
            check(entry);
        } catch (HostdevException e) {
            throw new Refusal(describe(entry), e);
        }
        for (JournalEntry.JournalDevice d : entry.devices()) {
            observer.progress(PciAddress.parse(d.address()), "recovering " + describe(entry));
        }
        List<DeviceOutcome> outcomes = new ArrayList<>();
        Transaction tx = Transaction.resume(journal, executor, probe, entry);
        if (entry.operation().equals("reattach")) {
            List<DevicePlan> plans = entry.devices().stream().map(d -> recoveryPlan(entry, d)).toList();
            for (DeviceOutcome o : reattacher.run(plans, tx).devices()) {
                outcomes.add(new DeviceOutcome(o.device(), Outcome.RECOVERED, o.before(), o.after(), o.writes(),
                        o.vfioNode(), o.warnings()));
            }
            return outcomes;
        }
        List<String> problems = tx.rollBack(outcomes);
        if (!problems.isEmpty()) {
            throw new HostdevException(ErrorCode.KERNEL, "recovering the interrupted " + entry.operation() + " "
                    + entry.id() + " failed: " + String.join("; ", problems),
                    "fix the cause and run 'hostdev recover' again; the journal is kept under /run/hostdev/journal");
        }
        for (JournalEntry.JournalDevice d : entry.devices()) {
            records.delete(PciAddress.parse(d.address()));
        }
        tx.commit();
        return outcomes;
    }
}
