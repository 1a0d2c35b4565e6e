package dev.hostdev.launcher.vm;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.bind.BindResult;
import dev.hostdev.engine.bind.SysfsWrite;
import dev.hostdev.engine.guard.HostGuard;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.HostRoot;
import dev.hostdev.engine.sysfs.Sysfs;
import dev.hostdev.launcher.cmdline.LaunchOptions;
import dev.hostdev.launcher.cmdline.LaunchPlan;
import dev.hostdev.launcher.cmdline.LaunchPlanner;
import dev.hostdev.launcher.cmdline.ManagedDevice;
import dev.hostdev.launcher.cmdline.PreflightChecker;
import dev.hostdev.launcher.cmdline.PreflightReport;
import dev.hostdev.launcher.cmdline.VfioPci;
import dev.hostdev.launcher.spec.HostdevSpec;
import dev.hostdev.launcher.spec.VmSpec;
import dev.hostdev.launcher.spec.VmSpecLoader;
import dev.hostdev.launcher.topology.SysfsPciFacts;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Plans a {@code vm start} with every check the real start makes, before anything is done: the spec, the
 * devices (present, pinned IDs, unmanaged ones on vfio-pci, USB per startup policy), QEMU's devices, that no
 * VM (Hostdev's own included), QEMU or libvirt domain holds a host device, that the VM is not running
 * already, and the engine's own checks of the managed detach (host use, group viability), planned.
 */
public final class StartPlanner {
    private final Sysfs sysfs;
    private final HostRoot root;
    private final Path vmsDir;
    private final VmRegistry registry;

    /**
     * @param sysfs  sysfs under the host root
     * @param vmsDir where the VMs' runtime directories are
     */
    public StartPlanner(Sysfs sysfs, Path vmsDir) {
        this.sysfs = sysfs;
        this.root = sysfs.root();
        this.vmsDir = vmsDir;
        this.registry = new VmRegistry(vmsDir);
    }

    /**
     * Plans starting the VM {@code specFile} describes.
     *
     * @param managedFor how the managed devices of the VM named so are detached (asked for a dry run here)
     * @param notes      hears the plan's notes
     * @throws HostdevException the first check that fails, with a hint in the spec's words
     */
    public StartPlan plan(Path specFile, java.util.function.Function<String, ManagedDevices> managedFor,
                          java.util.function.Consumer<String> notes) {
        VmSpec loaded = VmSpecLoader.load(specFile, new dev.hostdev.engine.pci.PciSelectorResolver(sysfs));
        if (loaded.hostdevs().stream().anyMatch(h -> h.vfOf().isPresent())) {
            refuseIfRunning(loaded.name()); // its own VF would otherwise be "used by" itself, and none free
        }
        VfAssignment.Assigned assigned = new VfAssignment(sysfs, registry).assign(loaded);
        VmSpec vm = assigned.spec();
        ManagedDevices managed = managedFor.apply(vm.name());
        SysfsPciFacts facts = new SysfsPciFacts(sysfs);
        LaunchOptions options = LaunchOptions.forHost(root, vmsDir).paused();
        LaunchPlan first = LaunchPlanner.plan(vm, facts, options);
        PreflightReport report = PreflightChecker.forSpec(sysfs, vm).check(first);
        report.throwIfFailed();
        Set<String> omitted = report.omitted();
        LaunchPlan plan = omitted.isEmpty() ? first : LaunchPlanner.plan(vm, facts, options.omitting(omitted));
        plan.notes().forEach(notes);
        refuseIfRunning(vm.name());
        List<PciAddress> hosts = plan.devices().stream().filter(d -> d instanceof VfioPci).map(d -> ((VfioPci) d).host()).toList();
        try {
            new HostGuard(sysfs).checkClaims(hosts);
        } catch (HostdevException e) {
            throw new HostdevException(e.code(), "cannot start VM " + vm.name() + ": " + e.getMessage(), e.hint(), e);
        }
        List<PciAddress> managedHosts = plan.managed().stream().map(ManagedDevice::address).toList();
        List<SysfsWrite> writes = List.of();
        List<String> actions = new java.util.ArrayList<>();
        if (!managedHosts.isEmpty()) {
            BindResult detach = CommandHints.forStart(() -> managed.detach(managedHosts, drivers(vm), true), managedHosts, a -> where(vm, a));
            writes = detach.writes();
            // what the detach does besides writing (a module it would load), as the detach's own dry run says it
            detach.devices().forEach(d -> d.warnings().forEach(w -> actions.add(d.device() + ": " + w)));
        }
        List<String> checked = new java.util.ArrayList<>();
        assigned.choices().forEach(c -> checked.add("chose " + c));
        checked.addAll(StartPlan.judged(first.checks(), report));
        return new StartPlan(specFile, plan, checked,
                hosts.stream().map(PciAddress::toString).toList(), writes, actions);
    }

    private void refuseIfRunning(String name) {
        registry.dir(name).read().ifPresent(r -> {
            if (r.qemuAlive()) {
                throw new HostdevException(ErrorCode.BUSY, "VM " + r.name() + " is already " + r.effectiveState().jsonName()
                        + " (QEMU pid " + r.qemu().pid() + ")", "stop it first: hostdev vm stop " + r.name());
            }
        });
    }

    /** The driver each managed PCI hostdev asks for ({@code driver = …}; {@code auto} when the spec does not say). */
    static java.util.Map<PciAddress, String> drivers(VmSpec vm) {
        java.util.Map<PciAddress, String> out = new java.util.LinkedHashMap<>();
        vm.pciHostdevs().stream().filter(h -> h.managed() && h.pci().isPresent()).forEach(h -> out.put(h.pci().get(), h.driver()));
        return out;
    }

    private static String where(VmSpec vm, PciAddress a) {
        return vm.pciHostdevs().stream().filter(h -> h.pci().orElseThrow().equals(a)).findFirst().map(HostdevSpec::where)
                .orElse("the spec");
    }
}
