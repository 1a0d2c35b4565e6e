package dev.hostdev.launcher.vm;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.bind.BindResult;
import dev.hostdev.engine.bind.DeviceOutcome;
import dev.hostdev.engine.bind.Outcome;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.launcher.cmdline.LaunchPlan;
import dev.hostdev.launcher.cmdline.ManagedDevice;
import dev.hostdev.launcher.cmdline.PciePciBridge;
import dev.hostdev.launcher.cmdline.PcieRootPort;
import dev.hostdev.launcher.cmdline.QemuDevice;
import dev.hostdev.launcher.cmdline.QemuXhci;
import dev.hostdev.launcher.cmdline.UsbHost;
import dev.hostdev.launcher.cmdline.VfioPci;
import dev.hostdev.launcher.placement.StartPlacement;
import dev.hostdev.launcher.qmp.QemuMonitor;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Starts a VM from its plan, all or nothing: managed devices detached, QEMU started paused
 * ({@code -S}), QMP answering, every planned device present in QEMU's {@code /machine/peripheral},
 * then {@code cont}. If any step fails, QEMU is killed and the devices detached so far are given back.
 * The plan's checks ({@link dev.hostdev.launcher.cmdline.PreflightChecker}) are the caller's, made before planning the final command line.
 */
public final class VmStarter {
    private final VmRuntimeDir dir;
    private final ManagedDevices managed;
    private final StartOptions options;
    private final StartPlacement placement;

    /**
     * @param dir     the VM's runtime directory (from the plan's paths)
     * @param managed how managed devices are detached and given back
     */
    public VmStarter(VmRuntimeDir dir, ManagedDevices managed, StartOptions options) {
        this(dir, managed, options, null);
    }

    /**
     * @param placement reserves hugepages and pins for the plan's {@code [placement]}; {@code null} when the
     *                  plan has none (a plan with one then fails: nothing would carry it out)
     */
    public VmStarter(VmRuntimeDir dir, ManagedDevices managed, StartOptions options, StartPlacement placement) {
        this.dir = dir;
        this.managed = managed;
        this.options = options;
        this.placement = placement;
    }

    /**
     * Starts the VM. The caller holds the VM's lock.
     *
     * @param plan     a plan made with {@code startPaused} (argv has {@code -S})
     * @param specFile the spec file, recorded
     * @return the started QEMU (released: it runs on) and the record written
     */
    public Started start(StartPlan plan) {
        return start(plan.launch(), plan.specFile());
    }

    /**
     * Starts the VM from its command line. The caller holds the VM's lock.
     *
     * @param plan     a plan made with {@code startPaused} (argv has {@code -S})
     * @param specFile the spec file, recorded
     * @return the started QEMU (released: it runs on) and the record written
     */
    public Started start(LaunchPlan plan, Path specFile) {
        if (!plan.argv().contains("-S")) {
            throw new IllegalArgumentException("the plan must start QEMU paused (-S)");
        }
        refuseIfRunning();
        if (plan.placement().isPresent() && placement == null) {
            throw new IllegalStateException("a plan with [placement] needs a StartPlacement to carry it out");
        }
        Path trace = ExitReason.traceFile(dir.dir());
        List<String> argv = options.supervisor() == null ? plan.argv() : Supervisor.waitedArgv(plan.argv(), trace);
        VmRecord record = new VmRecord(plan.spec().name(), specFile.toAbsolutePath().toString(), argv, VmState.STARTING,
                null, null, Instant.now().toString(), plan.spec().spareRootPorts(), usbBus(plan), SlotMap.of(plan.topology()),
                devices(plan), List.of(), null);
        dir.create();
        java.util.Optional<VmRecord> previous = dir.read();
        dir.removeProcessFiles();
        dir.write(record);
        List<PciAddress> detached = new ArrayList<>();
        QemuProcess qemu = null;
        try {
            detached.addAll(detachManaged(plan));
            record = withManaged(record, detached);
            dir.write(record);
            if (plan.placement().isPresent()) {
                placement.reserveHugepages(plan.placement().get(), options.out());
            }
            if (options.supervisor() == null) {
                qemu = QemuProcess.start(plan.argv(), dir.qemuLog(), !options.foreground());
                record = record.withQemu(qemu.identity());
            } else {
                Supervisor.Cleanup cleanup = options.supervisor().apply(dir);
                deletePreviousTrace(trace);
                qemu = QemuProcess.startWaited(argv, dir.qemuLog(), dir.supervisorLog(),
                        cleanup.java(), cleanup.argFile(), cleanup.env());
                // the waiter is QEMU's parent: it hears every end from the first instant
                record = record.withQemu(qemu.identity()).withSupervisor(qemu.waiterIdentity());
            }
            dir.write(record);
            try (QemuMonitor qmp = qemu.awaitReady(new QmpReadiness(dir, new QmpTranscriptFile(dir.qmpLog(), options.verbose())),
                    options.readyTimeout())) {
                dir.restrictSocket();
                verifyDevices(qmp, plan, qemu);
                if (plan.placement().isPresent() && plan.placement().get().pinsAfterStart()) {
                    // pinned before the guest runs a single instruction
                    placement.pin(plan.placement().get(), (int) qemu.pid(), qmp.vcpuThreads(), vfioDevices(plan))
                            .forEach(w -> options.out().println("warning: " + w));
                }
                qmp.cont();
            }
            record = record.withState(VmState.RUNNING);
            dir.write(record);
            qemu.release();
            return new Started(qemu, record);
        } catch (RuntimeException e) {
            undo(qemu, detached, previous, e);
            throw e;
        }
    }

    /** A started VM: its QEMU process and its record. */
    public record Started(QemuProcess qemu, VmRecord record) {
    }

    private void refuseIfRunning() {
        dir.read().ifPresent(r -> {
            if (r.qemuAlive()) {
                throw new HostdevException(ErrorCode.BUSY, "VM " + r.name() + " is already " + r.state().jsonName()
                        + " (QEMU pid " + r.qemu().pid() + ")", "stop it first: hostdev vm stop " + r.name());
            }
            if (!r.managed().isEmpty()) {
                // a previous run ended without its devices given back: do it now, before taking them again
                new VmCleanup(dir, managed, options.out()).afterExitLocked();
            }
        });
    }

    private List<PciAddress> detachManaged(LaunchPlan plan) {
        if (plan.managed().isEmpty()) {
            return List.of();
        }
        List<PciAddress> addresses = plan.managed().stream().map(ManagedDevice::address).toList();
        BindResult result = CommandHints.forStart(() -> managed.detach(addresses, StartPlanner.drivers(plan.spec()), false), addresses,
                a -> plan.spec().pciHostdevs().stream().filter(h -> h.pci().orElseThrow().equals(a)).findFirst()
                        .map(dev.hostdev.launcher.spec.HostdevSpec::where).orElse("the spec"));
        List<PciAddress> ours = new ArrayList<>();
        for (DeviceOutcome o : result.devices()) {
            if (o.outcome() == Outcome.DETACHED) {
                ours.add(o.device());
                options.out().println("detached " + o.device() + " to " + o.driverChoice().map(c -> c.driver()).orElse("vfio-pci") + o.vfioNode().map(n -> " (" + n + ")").orElse(""));
            } else if (o.outcome() == Outcome.ALREADY_DETACHED && addresses.contains(o.device())) {
                options.out().println(o.device() + " was already on " + o.before().driver().orElse("vfio-pci") + ": it stays there when the VM ends");
            }
        }
        return ours;
    }

    private static VmRecord withManaged(VmRecord r, List<PciAddress> detached) {
        return new VmRecord(r.name(), r.spec(), r.argv(), r.state(), r.qemu(), r.supervisor(), r.startedAt(), r.spareRootPorts(),
                r.usbBus(), r.slots(), r.devices(), detached.stream().map(PciAddress::toString).toList(), r.ended());
    }

    /** Every device with an id on the command line must be in QEMU's /machine/peripheral. */
    private static void verifyDevices(QemuMonitor qmp, LaunchPlan plan, QemuProcess qemu) {
        Set<String> present = qmp.peripheralIds();
        List<String> missing = plan.devices().stream().map(QemuDevice::id).filter(id -> !present.contains(id)).toList();
        if (!missing.isEmpty()) {
            throw new HostdevException(ErrorCode.QEMU, "QEMU started without device(s) " + missing + " (it has " + present + ")",
                    "see " + qemu.argv().get(0) + "'s output and the command line ('hostdev vm cmdline')");
        }
    }

    /**
     * Undoes a failed start: QEMU killed, the devices detached given back, and the record as it was before
     * (none for a VM never started), so that a refused start does not stay listed; only devices that could not
     * be given back keep a record (stopped), for {@code vm stop} to retry.
     */
    private void undo(QemuProcess qemu, List<PciAddress> detached, java.util.Optional<VmRecord> previous, RuntimeException cause) {
        if (qemu != null) {
            qemu.close();
        }
        List<PciAddress> kept = new ArrayList<>();
        for (PciAddress a : detached) {
            try {
                managed.reattach(List.of(a), false);
                options.out().println("gave " + a + " back after the failed start");
            } catch (HostdevException e) {
                kept.add(a);
                cause.addSuppressed(e);
                options.out().println("could not give " + a + " back: " + e.getMessage()
                        + "; 'hostdev vm stop " + dir.name() + "' or 'hostdev reattach " + a + "' retries");
            }
        }
        if (kept.isEmpty() && previous.isPresent()) {
            dir.write(previous.get());
        } else if (kept.isEmpty()) {
            try {
                java.nio.file.Files.deleteIfExists(dir.stateFile());
            } catch (java.io.IOException e) {
                cause.addSuppressed(e);
            }
        } else {
            dir.read().ifPresent(r -> dir.write(new VmRecord(r.name(), r.spec(), r.argv(), VmState.STOPPED, null, null, r.startedAt(),
                    r.spareRootPorts(), r.usbBus(), r.slots(), r.devices(), kept.stream().map(PciAddress::toString).toList(), null)));
        }
        dir.removeProcessFiles();
        options.out().flush();
    }

    private static java.util.Map<String, PciAddress> vfioDevices(LaunchPlan plan) {
        java.util.Map<String, PciAddress> out = new java.util.LinkedHashMap<>();
        plan.devices().stream().filter(d -> d instanceof VfioPci).forEach(d -> out.put(d.id(), ((VfioPci) d).host()));
        return out;
    }

    private static String usbBus(LaunchPlan plan) {
        return plan.devices().stream().filter(d -> d instanceof QemuXhci || d.driver().equals("qemu-xhci"))
                .findFirst().map(d -> d.id() + ".0").orElse(null);
    }

    private static List<VmDevice> devices(LaunchPlan plan) {
        List<VmDevice> out = new ArrayList<>();
        Set<String> managedIds = new TreeSet<>();
        plan.managed().forEach(m -> managedIds.add(m.hostdevId()));
        for (QemuDevice d : plan.devices()) {
            if (d instanceof PcieRootPort || d instanceof PciePciBridge) {
                continue; // controllers: the slot map has them
            }
            Object bus = d.properties().get("bus");
            Object addr = d.properties().get("addr");
            String busName = bus == null ? "" : bus.toString();
            String rootPort = rootPortOf(plan, busName);
            String host = d instanceof VfioPci v ? v.host().toString() : d instanceof UsbHost u ? u.device().toString() : null;
            out.add(new VmDevice(d.id(), d.driver(), busName, addr == null ? null : addr.toString(), rootPort, host,
                    managedIds.contains(d.id()), false));
        }
        return out;
    }

    private static String rootPortOf(LaunchPlan plan, String bus) {
        if (plan.topology().rootPort(bus).isPresent()) {
            return bus;
        }
        return plan.topology().bridge().filter(b -> b.id().equals(bus)).map(b -> b.rootPort()).orElse(null);
    }

    /** A trace of an earlier run must not tell this one's end. */
    private static void deletePreviousTrace(Path trace) {
        try {
            java.nio.file.Files.deleteIfExists(trace);
        } catch (java.io.IOException e) {
            throw new HostdevException(dev.hostdev.engine.ErrorCode.ENVIRONMENT, "cannot remove " + trace + ": " + e.getMessage(), null, e);
        }
    }
}
