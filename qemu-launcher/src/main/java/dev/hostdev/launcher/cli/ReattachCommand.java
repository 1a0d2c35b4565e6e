package dev.hostdev.launcher.cli;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.bind.BindResult;
import dev.hostdev.engine.bind.ReattachOptions;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hostdev reattach DEV…}: the {@code virsh nodedev-reattach} equivalent. */
@Command(name = "reattach", mixinStandardHelpOptions = true,
        description = {"Give PCI devices back to the host driver they had before Hostdev detached them "
                + "(as 'virsh nodedev-reattach').",
            "",
            "Clears driver_override, resets the device where the kernel can, unbinds it from vfio-pci, checks "
                + "that its config space still reads, and binds the recorded driver (or lets the kernel pick one). "
                + "A device that no longer answers is left unbound (exit status 7)."})
public final class ReattachCommand extends PciBindingCommand {
    @Option(names = "--persistent", description = "Also stop holding the devices at every boot: remove them from "
            + "host.d/persistent.toml (where 'detach --persistent' recorded them). A device held by another file of the "
            + "host configuration (your own host.toml) is refused before anything is changed. With --dry-run, prints the file change.")
    boolean persistent;

    @Override
    public Integer call() {
        List<dev.hostdev.engine.pci.PciAddress> addresses = devices.addresses("reattach", common.sysfs());
        PersistentChange change = persistent ? PersistentChange.release(config.files(common), common.sysfs(), addresses) : null;
        BindResult result = DetachCommandSupport.binder(common, spec, json.enabled(), "hostdev reattach")
                .reattach(addresses, new ReattachOptions(dryRun.enabled()));
        DetachCommandSupport.print(spec, result, json.enabled());
        if (change != null) {
            change.finish(spec, json.enabled(), dryRun.enabled());
        }
        return DetachCommandSupport.anyLeftUnbound(result) ? ErrorCode.KERNEL.exitStatus() : 0;
    }
}
