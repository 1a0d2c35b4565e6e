package dev.hostdev.launcher.cli;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.bind.BindResult;
import dev.hostdev.engine.bind.ReattachOptions;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hostdev reattach DEV…}: the {@code virsh nodedev-reattach} equivalent. */
@Command(name = "reattach", mixinStandardHelpOptions = true,
        description = {"Give PCI devices back to the host driver they had before Hostdev detached them "
                + "(as 'virsh nodedev-reattach').",
            "",
            "Clears driver_override, resets the device where the kernel can, unbinds it from vfio-pci, checks "
                + "that its config space still reads, and binds the recorded driver (or lets the kernel pick one). "
                + "A device that no longer answers is left unbound (exit status 7)."})
public final class ReattachCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "DEV", description = "PCI devices: 03:07.0, 0000:03:07.0, pci_0000_03_07_0, or a selector that survives renumbering: "
                    + "path:pci0000:00/1c.0/00.0, serial:SN, slot:3[#N], id:10de:2204[#N] (docs/guide.md).")
    List<String> devices;

    @Option(names = "--dry-run", description = "Print every sysfs write, in order, and write nothing.")
    boolean dryRun;

    @Option(names = "--persistent", description = "Also stop holding the devices at every boot: remove them from "
            + "host.d/persistent.toml (where 'detach --persistent' recorded them). A device held by another file of the "
            + "host configuration (your own host.toml) is refused before anything is changed. With --dry-run, prints the file change.")
    boolean persistent;

    @Mixin
    HostConfigOption config;

    @Override
    public Integer call() {
        List<dev.hostdev.engine.pci.PciAddress> addresses = DetachCommandSupport.pciDevices(devices, "reattach", common.sysfs());
        PersistentChange change = persistent ? PersistentChange.release(config.files(common), common.sysfs(), addresses) : null;
        BindResult result = DetachCommandSupport.binder(common, spec, json.enabled(), "hostdev reattach")
                .reattach(addresses, new ReattachOptions(dryRun));
        DetachCommandSupport.print(spec, result, json.enabled());
        if (change != null) {
            java.io.PrintWriter where = json.enabled() || !dryRun ? spec.commandLine().getErr() : spec.commandLine().getOut();
            if (dryRun) {
                change.printPlan(where);
                where.flush();
            } else {
                change.write(where);
            }
        }
        return DetachCommandSupport.anyLeftUnbound(result) ? ErrorCode.KERNEL.exitStatus() : 0;
    }
}
