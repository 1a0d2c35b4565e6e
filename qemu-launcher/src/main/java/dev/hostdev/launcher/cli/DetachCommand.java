package dev.hostdev.launcher.cli;

import dev.hostdev.engine.bind.BindResult;
import dev.hostdev.engine.bind.DetachOptions;
import dev.hostdev.engine.bind.DriverChooser;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hostdev detach DEV…}: the {@code virsh nodedev-detach} equivalent. */
@Command(name = "detach", mixinStandardHelpOptions = true,
        description = {"Detach PCI devices from their host drivers to a VFIO driver (as 'virsh nodedev-detach').",
            "",
            "The driver is the most specific vfio_pci: alias of the running kernel's "
                + "/lib/modules/$(uname -r)/modules.alias for the device's modalias (a variant driver such as "
                + "mlx5_vfio_pci), else vfio-pci, as libvirt picks it; --dry-run prints the choice and why.",
            "",
            "Sets driver_override, unbinds the host driver, asks drivers_probe, then verifies that the device is "
                + "on the target driver and that /dev/vfio/N exists. A device already there is left alone. "
                + "Refuses, before any write, a group that would not be viable, a device the host uses, or one "
                + "another VM holds; on any failure every device is put back as it was."})
public final class DetachCommand extends PciBindingCommand {
    @Option(names = "--driver", paramLabel = "NAME", defaultValue = DriverChooser.AUTO,
            completionCandidates = DriverCandidates.class,
            description = {"The VFIO driver to give the devices to: vfio-pci or a variant driver with a vfio_pci: alias "
                    + "in modules.alias (mlx5_vfio_pci…); 'keep' leaves a device already on a VFIO driver there; "
                    + "'auto' picks the most specific match. Other drivers (nvme, pci-stub…) are refused. "
                    + "Default: ${DEFAULT-VALUE}."})
    String driver;

    /** What the shell completes after --driver. */
    static final class DriverCandidates extends java.util.ArrayList<String> {
        DriverCandidates() {
            super(List.of(DriverChooser.AUTO, DriverChooser.KEEP, DetachOptions.VFIO_PCI));
        }
    }

    @Option(names = "--group", description = "Detach every endpoint of the devices' IOMMU groups (bridges are left alone).")
    boolean group;

    @Option(names = "--force", description = "Detach even a device the host uses (never the root disk's).")
    boolean force;

    @Option(names = "--persistent", description = "Also hold the devices at every boot, as driverctl set-override does: record "
            + "each (by its most stable selector: serial, else path, …) in host.d/persistent.toml beside the host "
            + "configuration, which 'hostdev apply' reads; with --group, every endpoint of the groups. With --dry-run, "
            + "prints the file change.")
    boolean persistent;

    @Override
    public Integer call() {
        DetachOptions options = DetachOptions.defaults().withDriver(driver).withWholeGroup(group).withForce(force)
                .withDryRun(dryRun.enabled());
        List<dev.hostdev.engine.pci.PciAddress> addresses = devices.addresses("detach", common.sysfs());
        dev.hostdev.engine.bind.DeviceBinder binder = DetachCommandSupport.binder(common, spec, json.enabled(), "hostdev detach");
        PersistentChange change = null;
        if (persistent) {
            // With --group, every endpoint the detach moves is held at boot, or apply would find the group not viable.
            List<dev.hostdev.engine.pci.PciAddress> held = !group ? addresses : binder.detach(addresses, options.withDryRun(true))
                    .devices().stream().filter(o -> o.outcome() != dev.hostdev.engine.bind.Outcome.SKIPPED_BRIDGE)
                    .map(dev.hostdev.engine.bind.DeviceOutcome::device).toList();
            change = PersistentChange.hold(config.files(common), common.sysfs(), held,
                    driver.equals(DriverChooser.AUTO) ? "auto" : driver);
        }
        BindResult result = binder.detach(addresses, options);
        DetachCommandSupport.print(spec, result, json.enabled());
        if (change != null) {
            change.finish(spec, json.enabled(), dryRun.enabled());
        }
        return 0;
    }
}
