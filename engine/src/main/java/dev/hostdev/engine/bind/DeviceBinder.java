package dev.hostdev.engine.bind;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.guard.HostGuard;
import dev.hostdev.engine.iommu.IommuGroups;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.pci.PciInventory;
import dev.hostdev.engine.state.DeviceLocks;
import dev.hostdev.engine.state.DeviceRecord;
import dev.hostdev.engine.state.DeviceRecords;
import dev.hostdev.engine.state.Journal;
import dev.hostdev.engine.state.BootId;
import dev.hostdev.engine.state.StateDirectory;
import dev.hostdev.engine.sysfs.Sysfs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Detaches devices from their host drivers and gives them back: what {@code virsh nodedev-detach} and
 * {@code nodedev-reattach} do, and what a VM's managed devices need around its life.
 * <p>
 * Every operation: checks before any write (the device exists, the host does not use it, no other
 * manager holds it, its IOMMU group stays viable); takes a lock per device; finishes or rolls back any
 * operation a dead process left in the journal; writes the journal before the first sysfs write and after
 * each; verifies the kernel did what was asked; and on any failure puts every device back as it was. Under
 * {@code dryRun} it only plans, and writes nothing at all (not even the journal).
 */
public final class DeviceBinder {

    private final Sysfs sysfs;
    private final BindObserver observer;
    private final String requester;
    private final BindingProbe probe;
    private final PlanExecutor executor;
    private final PciInventory inventory;
    private final IommuGroups groups;
    private final HostGuard guard;
    private final Journal journal;
    private final DeviceRecords records;
    private final DeviceLocks locks;
    private final Optional<String> bootId;
    private final Recovery recovery;
    private final DriverModules modules;

    /**
     * @param sysfs     sysfs under the host root (its writer is the kernel, or a simulated one in tests); the
     *                  state under {@code /run/hostdev} and {@code /proc} are taken under the same root
     * @param observer  hears each write and each device's progress
     * @param requester who asks, recorded with each detached device and shown to a process refused a lock,
     *                  e.g. {@code hostdev detach} or {@code vm web1}
     */
    public DeviceBinder(Sysfs sysfs, BindObserver observer, String requester) {
        this(sysfs, observer, requester, ModuleLoader.forRoot(sysfs.root()));
    }

    /**
     * As {@link #DeviceBinder(Sysfs, BindObserver, String)}, loading missing driver modules with {@code modules}
     * (modprobe on the real host; a simulated kernel's loader in tests).
     */
    public DeviceBinder(Sysfs sysfs, BindObserver observer, String requester, ModuleLoader modules) {
        this.sysfs = sysfs;
        this.modules = new DriverModules(sysfs, modules);
        this.observer = observer;
        this.requester = requester;
        this.probe = new BindingProbe(sysfs);
        this.executor = new PlanExecutor(sysfs, observer);
        this.inventory = new PciInventory(sysfs);
        this.groups = new IommuGroups(sysfs);
        this.guard = new HostGuard(sysfs);
        StateDirectory state = new StateDirectory(sysfs.root());
        this.journal = new Journal(state);
        this.records = new DeviceRecords(state);
        this.locks = new DeviceLocks(state, requester);
        this.bootId = BootId.read(sysfs.root());
        this.recovery = new Recovery(journal, locks, probe, executor, records, observer, guard, bootId, new Recovery.Reattacher() {
            @Override
            public DevicePlan plan(PciAddress a, Optional<String> original, Optional<String> stub, boolean leaveUnbound) {
                return reattachPlan(a, original, stub, leaveUnbound, ReattachOptions.DEFAULT_SETTLE);
            }

            @Override
            public BindResult run(List<DevicePlan> plans, Transaction resumed) {
                return runReattach(plans, resumed);
            }
        });
    }

    /** A binder that reports nothing as it goes, for {@code hostdev}. */
    public DeviceBinder(Sysfs sysfs) {
        this(sysfs, BindObserver.SILENT, "hostdev");
    }

    /** The record of a device Hostdev detached (its original driver, who, when), if any. */
    public Optional<DeviceRecord> record(PciAddress device) {
        return records.find(device);
    }

    /**
     * The journal entries a previous boot left (a state directory that outlives a reboot), each described as
     * ended by a host reboot. They are never acted on: the reboot reset their devices, and this boot may already
     * have bound those devices as it should. With {@code retire} each is removed once reported.
     */
    public List<String> previousBoot(boolean retire) {
        return recovery.previousBoot(retire);
    }

    // ---- detach ---------------------------------------------------------------------------------------

    /**
     * Moves the devices (with {@link DetachOptions#wholeGroup()}, every endpoint of their IOMMU groups) to
     * the stub driver, all or none.
     *
     * @return one outcome per device: {@link Outcome#DETACHED}, {@link Outcome#ALREADY_DETACHED},
     *         {@link Outcome#SKIPPED_BRIDGE}, or {@link Outcome#PLANNED} under dry run
     * @throws HostdevException NOT_FOUND, USAGE (a bridge named), HOST_IN_USE, BUSY, NOT_VIABLE,
     *                          ENVIRONMENT (driver not loaded, no IOMMU), KERNEL or TIMEOUT (after rolling back)
     */
    public BindResult detach(List<PciAddress> devices, DetachOptions options) {
        requireSome(devices);
        if (options.dryRun()) {
            return planDetach(devices, options).result(true);
        }
        DetachSelection first = select(devices, options);
        try (DeviceLocks.LockSet held = locks.acquireAll(first.devices().keySet())) {
            recovery.recoverPendingFor(first.devices().keySet(), held);
            DetachPlanning planning = planDetach(devices, options);
            boolean more = false;
            for (PciAddress extra : planning.selection.devices().keySet()) {
                if (!held.holds(extra)) {
                    held.add(locks.acquire(extra));
                    more = true;
                }
            }
            if (more) {
                // Group members first seen after recovery: plan again now that they are locked too.
                recovery.recoverPendingFor(planning.selection.devices().keySet(), held);
                planning = planDetach(devices, options);
            }
            return runDetach(planning);
        }
    }

    private DetachPlanning planDetach(List<PciAddress> requested, DetachOptions options) {
        DriverChooser chooser = new DriverChooser(sysfs);
        // A driver that is not a VFIO driver is refused before anything else is looked at.
        for (PciAddress a : new LinkedHashSet<>(requested)) {
            chooser.choose(inventory.find(a).address(), probe.state(a), options.driverFor(a));
        }
        // The host's own use first: "no IOMMU" or "not viable" would be the wrong news about a root disk.
        List<PciAddress> named = new LinkedHashSet<>(requested).stream().filter(a -> {
            BindingState s = probe.state(a);
            return !s.boundTo(chooser.choose(a, s, options.driverFor(a)).driver());
        }).toList();
        guard.checkHostUse(named, options.force());
        DetachSelection sel = select(requested, options);
        List<String> warnings = new ArrayList<>();
        sel.vanishing().forEach((d, vmd) -> warnings.add(d + " is behind " + vmd + " (Intel VMD): it leaves the host"
                + " with the controller (its domain vanishes when " + vmd + " is unbound); nothing is written to it"));
        Map<PciAddress, DriverChoice> choices = new LinkedHashMap<>();
        for (PciAddress a : sel.devices().keySet()) {
            choices.put(a, chooser.choose(a, probe.state(a), options.driverFor(a)));
        }
        List<DevicePlan> plans = new ArrayList<>();
        for (PciAddress a : sel.devices().keySet()) {
            Optional<String> group = probe.iommuGroup(a);
            plans.add(DetachPlanner.plan(a, probe.state(a), choices.get(a).driver(), group, options.settleTimeout(),
                    options.settleTimeout()));
        }
        List<PciAddress> changing = plans.stream().filter(p -> !p.isNoop()).map(DevicePlan::device).toList();
        if (!changing.isEmpty()) {
            refusePhysicalFunctionsWithVfs(sel, changing);
            guard.checkHostUse(changing, options.force());
            guard.checkClaims(changing);
            sel.requireViable(inventory);
            // Only once every check passed: a refused detach loads nothing.
            List<String> drivers = changing.stream().map(a -> choices.get(a).driver()).distinct().toList();
            if (options.dryRun()) {
                drivers.forEach(d -> warnings.addAll(modules.plan(d)));
            } else if (drivers.stream().anyMatch(d -> !modules.missing(d).isEmpty())) {
                List<String> loadWarnings = new ArrayList<>();
                drivers.forEach(d -> loadWarnings.addAll(modules.ensure(d, m -> observer.progress(changing.get(0), m))));
                // Plan again with the drivers loaded: a module may register its driver under another spelling.
                DetachPlanning again = planDetach(requested, options);
                loadWarnings.addAll(again.warnings());
                return new DetachPlanning(again.selection(), again.plans(), loadWarnings, options, again.choices());
            }
        }
        return new DetachPlanning(sel, plans, warnings, options, choices);
    }

    /** VFIO drivers refuse (EBUSY) to bind an SR-IOV physical function whose VFs are enabled: say so before writing. */
    private static void refusePhysicalFunctionsWithVfs(DetachSelection sel, List<PciAddress> changing) {
        for (PciAddress a : changing) {
            int vfs = sel.devices().get(a).sriov().map(s -> s.numVfs()).orElse(0);
            if (vfs > 0) {
                throw new HostdevException(ErrorCode.STATE, a + " is an SR-IOV physical function with " + vfs
                        + " virtual function" + (vfs == 1 ? "" : "s") + " enabled: VFIO drivers refuse such a device",
                        "give the VM a virtual function instead ('hostdev show " + a + "' lists them), or disable "
                                + "them first: echo 0 > /sys/bus/pci/devices/" + a + "/sriov_numvfs");
            }
        }
    }

    private DetachSelection select(List<PciAddress> requested, DetachOptions options) {
        return DetachSelection.select(requested, options, inventory, groups, probe);
    }

    private BindResult runDetach(DetachPlanning planning) {
        DetachOptions options = planning.options;
        List<DevicePlan> work = planning.plans.stream().filter(p -> !p.isNoop()).toList();
        List<DeviceOutcome> outcomes = new ArrayList<>();
        Map<PciAddress, DeviceOutcome> done = new LinkedHashMap<>();
        Map<PciAddress, List<String>> serials = new LinkedHashMap<>();
        if (!work.isEmpty()) {
            Transaction tx = Transaction.begin(journal, executor, probe, "detach", requester, bootId.orElse(null),
                    work.stream().map(p -> Transaction.journalDevice(p, pciId(p.device()), null, false,
                            p.target().driver().orElseThrow())).toList());
            try {
                for (DevicePlan plan : work) {
                    observer.progress(plan.device(), "detaching " + plan.device() + " from "
                            + plan.before().driver().orElse("no driver") + " to " + planning.choices.get(plan.device()).describe());
                    // Read before the host driver lets go: an NVMe controller's serial shows only while nvme has it.
                    serials.put(plan.device(), dev.hostdev.engine.pci.DeviceSerials.read(sysfs, "bus/pci/devices/"
                            + plan.device()).serials());
                    PlanExecutor.Execution ex = executor.execute(plan, tx.stepsOf(plan.device()));
                    done.put(plan.device(), new DeviceOutcome(plan.device(), Outcome.DETACHED, plan.before(),
                            probe.state(plan.device()), ex.writes(), ex.vfioNode(), ex.warnings(),
                            Optional.of(planning.choices.get(plan.device()))));
                }
                String now = Instant.now().toString();
                for (DevicePlan plan : work) {
                    records.save(new DeviceRecord(plan.device().toString(), plan.before().driver().orElse(null),
                            plan.before().override().orElse(null), plan.target().driver().orElseThrow(), now, ProcessHandle.current().pid(),
                            requester, serials.getOrDefault(plan.device(), List.of())));
                }
                tx.commit();
            } catch (RuntimeException failure) {
                throw tx.abort(failure);
            }
        }
        for (DevicePlan plan : planning.plans) {
            DeviceOutcome o = done.containsKey(plan.device()) ? done.get(plan.device())
                    : new DeviceOutcome(plan.device(), Outcome.ALREADY_DETACHED, plan.before(), plan.before(),
                            List.of(), vfioNode(plan.device()), List.of(), Optional.of(planning.choices.get(plan.device())));
            outcomes.add(o);
            observer.finished(o);
        }
        for (Map.Entry<PciAddress, BindingState> b : planning.selection.bridges().entrySet()) {
            DeviceOutcome o = new DeviceOutcome(b.getKey(), Outcome.SKIPPED_BRIDGE, b.getValue(), b.getValue(),
                    List.of(), Optional.empty(), List.of());
            outcomes.add(o);
            observer.finished(o);
        }
        return new BindResult(false, attachWarnings(outcomes, planning.warnings));
    }

    private Optional<String> vfioNode(PciAddress device) {
        return probe.iommuGroup(device).map(g -> "/dev/vfio/" + g)
                .filter(n -> java.nio.file.Files.exists(sysfs.root().resolve(n)));
    }

    // ---- reattach -------------------------------------------------------------------------------------

    /**
     * Gives the devices back to the host drivers Hostdev recorded when it detached them (when there is no
     * record, the kernel's choice through {@code drivers_probe}), resetting each first where the kernel can.
     * A device whose config space no longer reads after the reset is left bound to no driver and reported
     * as {@link Outcome#LEFT_UNBOUND}.
     *
     * @throws HostdevException NOT_FOUND, BUSY (a QEMU or libvirt domain holds it), KERNEL (after rolling back)
     */
    public BindResult reattach(List<PciAddress> devices, ReattachOptions options) {
        requireSome(devices);
        List<PciAddress> list = new ArrayList<>(new LinkedHashSet<>(devices));
        for (PciAddress a : list) {
            inventory.find(a);
        }
        if (options.dryRun()) {
            List<DevicePlan> plans = planReattach(list, options.settleTimeout());
            return new BindResult(true, plans.stream().map(p -> planned(p, Outcome.ALREADY_ATTACHED)).toList());
        }
        try (DeviceLocks.LockSet held = locks.acquireAll(list)) {
            recovery.recoverPendingFor(list, held);
            return runReattach(planReattach(list, options.settleTimeout()), null);
        }
    }

    private List<DevicePlan> planReattach(List<PciAddress> devices, java.time.Duration settle) {
        List<DevicePlan> plans = new ArrayList<>();
        for (PciAddress a : devices) {
            Optional<DeviceRecord> rec = records.find(a);
            boolean hadNoDriver = rec.isPresent() && rec.get().originalDriver() == null;
            plans.add(reattachPlan(a, rec.map(DeviceRecord::originalDriver), rec.map(DeviceRecord::driver), hadNoDriver,
                    settle));
        }
        List<PciAddress> changing = plans.stream().filter(p -> !p.isNoop()).map(DevicePlan::device).toList();
        guard.checkClaims(changing);
        return plans;
    }

    private DevicePlan reattachPlan(PciAddress a, Optional<String> original, Optional<String> stub, boolean leaveUnbound,
                                    java.time.Duration settle) {
        Set<String> stubs = new HashSet<>(ReattachPlanner.STUB_DRIVERS);
        stub.ifPresent(stubs::add);
        // A device on a VFIO variant driver with no record (detached by hand, or by libvirt) is detached too.
        probe.state(a).driver().filter(new DriverChooser(sysfs)::isVfioDriver).ifPresent(stubs::add);
        Optional<String> recorded = original.filter(d -> !stubs.contains(d));
        return ReattachPlanner.plan(a, probe.state(a), stubs, recorded,
                recorded.map(probe::driverLoaded).orElse(false), probe.hasReset(a), leaveUnbound, settle);
    }

    private BindResult runReattach(List<DevicePlan> plans, Transaction resumed) {
        List<DevicePlan> writing = plans.stream().filter(p -> !p.isNoop()).toList();
        Map<PciAddress, DeviceOutcome> done = new LinkedHashMap<>();
        Transaction tx = resumed;
        if (tx == null && !writing.isEmpty()) {
            tx = Transaction.begin(journal, executor, probe, "reattach", requester, bootId.orElse(null), writing.stream()
                    .map(p -> Transaction.journalDevice(p, pciId(p.device()), p.target().driver().orElse(null), leavesUnbound(p),
                            null)).toList());
        }
        try {
            for (DevicePlan plan : writing) {
                observer.progress(plan.device(), "reattaching " + plan.device() + " from "
                        + plan.before().driver().orElse("no driver") + " to " + plan.target().driver().orElse("the driver the kernel picks"));
                PlanExecutor.Execution ex = executor.execute(plan, tx.stepsOf(plan.device()));
                BindingState after = probe.state(plan.device());
                Outcome outcome;
                List<String> warnings = new ArrayList<>(ex.warnings());
                if (ex.configDead()) {
                    outcome = Outcome.LEFT_UNBOUND;
                } else if (after.driver().isEmpty() && !leavesUnbound(plan)) {
                    outcome = Outcome.REATTACHED_NO_DRIVER;
                    warnings.add(plan.device() + ": no host driver claimed it (none was recorded and none matched)");
                } else {
                    outcome = Outcome.REATTACHED;
                }
                done.put(plan.device(), new DeviceOutcome(plan.device(), outcome, plan.before(), after, ex.writes(),
                        Optional.empty(), warnings));
            }
            for (DevicePlan plan : plans) {
                records.delete(plan.device());
            }
            if (tx != null) {
                tx.commit();
            }
        } catch (RuntimeException failure) {
            if (tx == null) {
                throw failure;
            }
            throw tx.abort(failure);
        }
        List<DeviceOutcome> outcomes = new ArrayList<>();
        for (DevicePlan plan : plans) {
            DeviceOutcome o = done.containsKey(plan.device()) ? done.get(plan.device())
                    : new DeviceOutcome(plan.device(), Outcome.ALREADY_ATTACHED, plan.before(), probe.state(plan.device()),
                            List.of(), Optional.empty(), List.of());
            outcomes.add(o);
            observer.finished(o);
        }
        return new BindResult(false, outcomes);
    }

    // ---- SR-IOV ---------------------------------------------------------------------------------------

    /**
     * Sets an SR-IOV physical function's VF count ({@code sriov_numvfs}), through 0 when changing one non-zero
     * count to another (the kernel answers EBUSY otherwise), journalled so that {@code recover} puts the count
     * back after a crash. {@code sriov_drivers_autoprobe} is left as it is: with 1, host drivers probe the new VFs.
     *
     * @throws HostdevException USAGE (not a PF, count out of range), STATE (a VF is on a VFIO driver), BUSY (a VF
     *                          is held by a VM or another manager), KERNEL (after putting the count back)
     */
    public SriovChange setNumVfs(PciAddress pf, int wanted, boolean dryRun, java.time.Duration settle) {
        dev.hostdev.engine.sriov.SriovReader reader = new dev.hostdev.engine.sriov.SriovReader(sysfs);
        dev.hostdev.engine.sriov.SriovStatus before = reader.read(pf);
        if (dryRun) {
            DevicePlan plan = planSriov(before, wanted, settle);
            return new SriovChange(true, before, before, plan.steps().stream().map(PlanStep::describe).toList(),
                    plan.writes(), plan.note());
        }
        List<PciAddress> lockSet = new ArrayList<>();
        lockSet.add(pf);
        before.vfs().forEach(v -> lockSet.add(v.address()));
        try (DeviceLocks.LockSet held = locks.acquireAll(lockSet)) {
            recovery.recoverPendingFor(lockSet, held);
            before = reader.read(pf);
            DevicePlan plan = planSriov(before, wanted, settle);
            if (!plan.isNoop()) {
                observer.progress(pf, "setting " + pf + " from " + before.numVfs() + " to " + wanted + " VFs");
                Transaction tx = Transaction.begin(journal, executor, probe, Transaction.SRIOV, requester, bootId.orElse(null),
                        List.of(Transaction.journalDevice(plan, pciId(pf), null, false, null)));
                try {
                    executor.execute(plan, tx.stepsOf(pf));
                    tx.commit();
                } catch (RuntimeException failure) {
                    throw tx.abort(failure);
                }
            }
            return new SriovChange(false, before, reader.read(pf), plan.steps().stream().map(PlanStep::describe).toList(),
                    plan.writes(), plan.note());
        }
    }

    /** The plan, after the checks: no VF on a VFIO driver or held by anyone when the VFs it has go away. */
    private DevicePlan planSriov(dev.hostdev.engine.sriov.SriovStatus status, int wanted, java.time.Duration settle) {
        DevicePlan plan = SriovPlanner.plan(status.pf(), probe.state(status.pf()), status.numVfs(), status.totalVfs(),
                wanted, settle);
        if (plan.isNoop() || status.numVfs() == 0) {
            return plan;
        }
        DriverChooser chooser = new DriverChooser(sysfs);
        List<String> onVfio = status.vfs().stream().filter(v -> v.driver().filter(chooser::isVfioDriver).isPresent())
                .map(v -> v.address() + " (on " + v.driver().get() + ")").toList();
        if (!onVfio.isEmpty()) {
            throw new HostdevException(ErrorCode.STATE, "cannot change " + status.pf() + "'s VF count from "
                    + status.numVfs() + ": removing its VFs would pull " + String.join(", ", onVfio)
                    + " from under a VFIO driver", "give them back first: hostdev reattach "
                    + status.vfs().stream().filter(v -> v.driver().filter(chooser::isVfioDriver).isPresent())
                            .map(v -> v.address().toString()).collect(java.util.stream.Collectors.joining(" ")));
        }
        List<String> held = status.vfs().stream().filter(v -> v.usedBy().isPresent())
                .map(v -> v.address() + " is in use by " + v.usedBy().get()).toList();
        if (!held.isEmpty()) {
            throw new HostdevException(ErrorCode.BUSY, "cannot change " + status.pf() + "'s VF count: "
                    + String.join("; ", held), "stop that VM (or unplug the VF from it) first");
        }
        return plan;
    }

    // ---- recovery -------------------------------------------------------------------------------------

    /**
     * Finishes or rolls back every operation a dead process left in the journal: an interrupted detach is
     * rolled back (each device back to the driver and override it had), an interrupted reattach is
     * finished. Operations whose devices are locked by a live process are left alone. An entry is acted on
     * only after it passes every check ({@link Recovery}): strictly valid, written this boot, the same
     * devices, drivers the operation could have left, and the host-use guard and claim check.
     *
     * @return one {@link Outcome#RECOVERED} (or, under dry run, {@link Outcome#PLANNED}) per device put right,
     *         {@link Outcome#IN_PROGRESS} for devices of operations still running
     * @throws HostdevException STATE (or HOST_IN_USE, BUSY) naming every entry not acted on, after the
     *                          others were recovered
     */
    public BindResult recover(boolean dryRun) {
        return recovery.recover(dryRun);
    }

    // ---- shared machinery -----------------------------------------------------------------------------

    /** Whether a reattach plan ends with the device on no driver on purpose (it had none before). */
    private static boolean leavesUnbound(DevicePlan plan) {
        return plan.action() == Action.REATTACH && !plan.isNoop() && plan.writes().stream()
                .noneMatch(w -> w.attribute().endsWith("/bind") || w.attribute().equals("bus/pci/drivers_probe"));
    }

    /** The device's vendor:device for the journal, which recovery checks before acting. */
    private String pciId(PciAddress a) {
        return probe.pciId(a).orElseThrow(() -> new HostdevException(ErrorCode.NOT_FOUND, a + " has no readable vendor and device",
                "check that " + a + " still exists: hostdev list"));
    }

    static DeviceOutcome planned(DevicePlan p, Outcome whenNoop) {
        return new DeviceOutcome(p.device(), p.isNoop() ? whenNoop : Outcome.PLANNED, p.before(), p.target(),
                p.writes(), Optional.empty(), p.note().isEmpty() ? List.of() : List.of(p.note()));
    }

    private static List<DeviceOutcome> attachWarnings(List<DeviceOutcome> outcomes, List<String> warnings) {
        if (warnings.isEmpty() || outcomes.isEmpty()) {
            return outcomes;
        }
        List<DeviceOutcome> out = new ArrayList<>(outcomes);
        DeviceOutcome first = out.get(0);
        List<String> w = new ArrayList<>(warnings);
        w.addAll(first.warnings());
        out.set(0, new DeviceOutcome(first.device(), first.outcome(), first.before(), first.after(), first.writes(),
                first.vfioNode(), w, first.driverChoice()));
        return out;
    }

    private static void requireSome(List<PciAddress> devices) {
        if (devices == null || devices.isEmpty()) {
            throw HostdevException.usage("no device given", "name at least one device, e.g. 01:00.0");
        }
    }

    /** A detach planned: the selection, a plan per device, warnings (dry run only). */
    private record DetachPlanning(DetachSelection selection, List<DevicePlan> plans, List<String> warnings, DetachOptions options,
                                  Map<PciAddress, DriverChoice> choices) {
        BindResult result(boolean dryRun) {
            List<DeviceOutcome> out = new ArrayList<>();
            for (DevicePlan p : plans) {
                DeviceOutcome o = planned(p, Outcome.ALREADY_DETACHED);
                out.add(new DeviceOutcome(o.device(), o.outcome(), o.before(), o.after(), o.writes(), o.vfioNode(),
                        o.warnings(), Optional.ofNullable(choices.get(p.device()))));
            }
            for (Map.Entry<PciAddress, BindingState> b : selection.bridges().entrySet()) {
                out.add(new DeviceOutcome(b.getKey(), Outcome.SKIPPED_BRIDGE, b.getValue(), b.getValue(),
                        List.of(), Optional.empty(), List.of()));
            }
            return new BindResult(dryRun, attachWarnings(out, warnings));
        }
    }
}
