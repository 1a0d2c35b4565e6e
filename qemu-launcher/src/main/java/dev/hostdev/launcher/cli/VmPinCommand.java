package dev.hostdev.launcher.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciSelectorResolver;
import dev.hostdev.launcher.placement.HostNumaFacts;
import dev.hostdev.launcher.placement.PinStep;
import dev.hostdev.launcher.placement.PlacementPlan;
import dev.hostdev.launcher.placement.PlacementPlanner;
import dev.hostdev.launcher.placement.StartPlacement;
import dev.hostdev.launcher.qmp.QemuMonitor;
import dev.hostdev.launcher.spec.VmName;
import dev.hostdev.launcher.spec.VmSpec;
import dev.hostdev.launcher.spec.VmSpecLoader;
import dev.hostdev.launcher.vm.RunningVm;
import dev.hostdev.launcher.vm.VmRecord;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code hostdev vm pin NAME}: pins a running VM again as its spec's {@code [placement]} says — vCPU threads,
 * QEMU's other threads, and the VFIO devices' interrupts: the INTx line is there from QEMU's start (and
 * {@code vm start} steered it), MSI/MSI-X vectors appear only once the guest's driver has enabled them.
 */
@Command(name = "pin", mixinStandardHelpOptions = true, description = {
    "Pin a running VM again by its spec's [placement]: vCPU threads, QEMU's other threads, and the interrupts",
    "of its VFIO devices (MSI/MSI-X vectors appear once the guest's driver enables them: run this after the guest is up)."})
public final class VmPinCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Mixin
    VmNameParameter target;

    @Mixin
    DryRunOption dryRun;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() {
        String name = target.name();
        if (name == null || !VmName.isValid(name)) {
            throw HostdevException.usage("not a VM name: '" + name + "'", VmName.RULE);
        }
        PrintWriter out = spec.commandLine().getOut();
        RunningVm vm = target.open(common, spec.commandLine().getErr());
        VmRecord r = vm.record();
        VmSpec vmSpec = VmSpecLoader.load(Path.of(r.spec()), new PciSelectorResolver(common.sysfs()));
        PlacementPlan plan = PlacementPlanner.plan(vmSpec, HostNumaFacts.of(common.sysfs())).orElseThrow(() ->
                HostdevException.usage("VM " + name + "'s spec " + r.spec() + " has no [placement]", "add one; see docs/spec.md"));
        SortedMap<Integer, Integer> vcpus;
        try (QemuMonitor qmp = vm.monitor(r, "pin", Duration.ofSeconds(5))) {
            vcpus = qmp.vcpuThreads();
        }
        StartPlacement placement = StartPlacement.of(common.sysfs());
        List<PinStep> steps = placement.pinPlan(plan, (int) r.qemu().pid(), vcpus, VmStatusCommand.vfioDevices(r));
        List<String> warnings = dryRun.enabled() ? List.of() : placement.apply(steps);
        if (json.enabled()) {
            JsonLine.print(out, json(name, dryRun.enabled(), steps, warnings));
        } else {
            if (dryRun.enabled()) {
                out.println("# vm pin " + name + " --dry-run: nothing is changed");
            }
            steps.forEach(s -> out.println(s.describe()));
            warnings.forEach(w -> out.println("warning: " + w));
        }
        out.flush();
        return 0;
    }

    /** The JSON of {@code vm pin --json} (docs/json.md): each affinity change, as made or as it would be. */
    static ObjectNode json(String name, boolean dryRun, List<PinStep> steps, List<String> warnings) {
        ObjectNode o = JsonLine.object();
        o.put("name", name);
        o.put("dry_run", dryRun);
        ArrayNode changes = o.putArray("changes");
        for (PinStep step : steps) {
            ObjectNode c = changes.addObject();
            if (step instanceof PinStep.ThreadAffinity t) {
                c.put("kind", "thread");
                c.put("what", t.what());
                c.put("tid", t.tid());
                c.putNull("irq");
                c.putNull("device");
                c.put("cpus", t.cpus().toString());
            } else if (step instanceof PinStep.IrqAffinity i) {
                c.put("kind", "irq");
                c.put("what", i.path());
                c.putNull("tid");
                c.put("irq", i.irq());
                c.put("device", i.device());
                c.put("cpus", i.cpus().toString());
            }
        }
        ArrayNode w = o.putArray("warnings");
        warnings.forEach(w::add);
        return o;
    }
}
