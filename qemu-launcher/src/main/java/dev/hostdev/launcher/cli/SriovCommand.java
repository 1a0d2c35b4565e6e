package dev.hostdev.launcher.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hostdev.engine.bind.ReattachOptions;
import dev.hostdev.engine.bind.SriovChange;
import dev.hostdev.engine.bind.SysfsWrite;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sriov.SriovReader;
import dev.hostdev.engine.sriov.SriovStatus;
import dev.hostdev.engine.sriov.VirtualFunction;
import dev.hostdev.engine.sysfs.Sysfs;
import dev.hostdev.launcher.cmdline.VmRuntimePaths;
import dev.hostdev.launcher.vm.UnreturnedDevices;
import dev.hostdev.launcher.vm.VmRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hostdev sriov PF [--set N]}: a physical function's VFs, and its VF count. */
@Command(name = "sriov", mixinStandardHelpOptions = true,
        description = {"Show an SR-IOV physical function's VFs, or set how many it has.",
            "",
            "Without --set: sriov_totalvfs, sriov_numvfs, sriov_drivers_autoprobe, and each VF's address, driver, "
                + "IOMMU group and who uses it (a QEMU, a libvirt domain, a Hostdev VM).",
            "",
            "With --set N: writes N to sriov_numvfs, through 0 when the PF already has a different non-zero count "
                + "(the kernel refuses one non-zero count over another with EBUSY). Refuses, before any write, to "
                + "remove VFs that are on a VFIO driver or used by a VM. The change is journalled: after a crash, "
                + "'hostdev recover' puts the count back as it was. With sriov_drivers_autoprobe 1, host drivers "
                + "probe the new VFs; write 0 to it first to leave them unbound."})
public final class SriovCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PF", description = "The physical function: 03:00.0, 0000:03:00.0 or pci_0000_03_00_0.")
    String pf;

    @Option(names = "--set", paramLabel = "N", description = "Set the number of VFs (0 removes them all).")
    Integer set;

    @Mixin
    DryRunOption dryRun;

    @Override
    public Integer call() {
        PciAddress address = DetachCommandSupport.pciDevices(List.of(pf), "inspect", common.sysfs()).get(0);
        PrintWriter out = spec.commandLine().getOut();
        if (set == null) {
            if (dryRun.enabled()) {
                throw dev.hostdev.engine.HostdevException.usage("--dry-run goes with --set", "add --set N");
            }
            SriovStatus s = withUnreturned(new SriovReader(new Sysfs(common.hostRoot())).read(address));
            if (json.enabled()) {
                JsonLine.print(out, status(s));
            } else {
                text(out, s);
            }
            out.flush();
            return 0;
        }
        SriovChange c = DetachCommandSupport.binder(common, spec, json.enabled(), "hostdev sriov")
                .setNumVfs(address, set, dryRun.enabled(), ReattachOptions.DEFAULT_SETTLE);
        if (json.enabled()) {
            ObjectNode root = JsonLine.object();
            root.put("dry_run", c.dryRun());
            root.set("before", status(c.before()));
            root.set("after", status(c.after()));
            ArrayNode writes = root.putArray("writes");
            for (SysfsWrite w : c.writes()) {
                writes.addObject().put("attribute", w.hostPath()).put("value", w.value());
            }
            root.put("note", c.note().isEmpty() ? null : c.note());
            JsonLine.print(out, root);
        } else if (c.dryRun()) {
            out.println("# " + address + ": sriov_numvfs " + c.before().numVfs() + " -> " + set + ", sriov_drivers_autoprobe "
                    + autoprobe(c.before()));
            if (!c.note().isEmpty()) {
                out.println("# " + c.note());
            }
            c.writes().forEach(w -> out.println(w.describe()));
        } else {
            out.println(address + ": " + (c.note().isEmpty() ? c.before().numVfs() + " -> " + c.after().numVfs() + " VFs" : c.note()));
            c.after().vfs().forEach(v -> out.println("  " + vfLine(v)));
        }
        out.flush();
        return 0;
    }

    /**
     * The status with each VF that no QEMU uses but a Hostdev VM's record still holds (its clean-up has not given it
     * back) shown as held, as {@code vm start}'s choice of a VF sees it, rather than free.
     */
    private SriovStatus withUnreturned(SriovStatus s) {
        Path vms = common.runDir().orElseGet(() -> VmRuntimePaths.vmsDir(common.hostRoot()));
        Map<PciAddress, String> held = UnreturnedDevices.heldBy(new VmRegistry(vms), null);
        if (held.isEmpty()) {
            return s;
        }
        List<VirtualFunction> vfs = new ArrayList<>();
        for (VirtualFunction v : s.vfs()) {
            String holder = held.get(v.address());
            vfs.add(v.usedBy().isPresent() || holder == null ? v
                    : new VirtualFunction(v.index(), v.address(), v.driver(), v.iommuGroup(), Optional.of(holder)));
        }
        return new SriovStatus(s.pf(), s.pfDriver(), s.totalVfs(), s.numVfs(), s.driversAutoprobe(), vfs);
    }

    private static String autoprobe(SriovStatus s) {
        return s.driversAutoprobe().map(b -> b ? "1 (host drivers probe new VFs)" : "0 (new VFs stay unbound)").orElse("unreadable");
    }

    private static void text(PrintWriter out, SriovStatus s) {
        out.println(s.pf() + ": " + s.numVfs() + " of " + s.totalVfs() + " VFs, PF driver " + s.pfDriver().orElse("(none)")
                + ", sriov_drivers_autoprobe " + autoprobe(s));
        s.vfs().forEach(v -> out.println("  " + vfLine(v)));
    }

    private static String vfLine(VirtualFunction v) {
        return "virtfn" + v.index() + " " + v.address() + "  driver " + v.driver().orElse("(none)") + "  iommu group "
                + v.iommuGroup().orElse("(none)") + "  " + v.usedBy().map(u -> "used by " + u).orElse("free");
    }

    static ObjectNode status(SriovStatus s) {
        ObjectNode n = JsonLine.object();
        n.put("pf", s.pf().toString());
        n.put("pf_driver", s.pfDriver().orElse(null));
        n.put("total_vfs", s.totalVfs());
        n.put("num_vfs", s.numVfs());
        if (s.driversAutoprobe().isPresent()) {
            n.put("drivers_autoprobe", s.driversAutoprobe().get());
        } else {
            n.putNull("drivers_autoprobe");
        }
        ArrayNode vfs = n.putArray("vfs");
        for (VirtualFunction v : s.vfs()) {
            ObjectNode o = vfs.addObject();
            o.put("index", v.index());
            o.put("address", v.address().toString());
            o.put("driver", v.driver().orElse(null));
            o.put("iommu_group", v.iommuGroup().map(Integer::valueOf).orElse(null));
            o.put("used_by", v.usedBy().orElse(null));
        }
        return n;
    }
}
