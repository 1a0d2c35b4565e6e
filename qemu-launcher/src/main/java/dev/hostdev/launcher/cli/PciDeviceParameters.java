package dev.hostdev.launcher.cli;

import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.Sysfs;
import java.util.List;
import picocli.CommandLine.Parameters;

/** The {@code DEV…} of {@code detach} and {@code reattach}: PCI devices by address or by a selector. */
public final class PciDeviceParameters {
    @Parameters(arity = "1..*", paramLabel = "DEV", description = "PCI devices: 03:07.0, 0000:03:07.0, pci_0000_03_07_0, or a selector that survives renumbering: "
                    + "path:pci0000:00/1c.0/00.0, serial:SN, slot:3[#N], id:10de:2204[#N] (docs/guide.md).")
    List<String> devices;

    /** The devices' addresses, selectors resolved under the root; a USB device is refused, naming {@code command}. */
    List<PciAddress> addresses(String command, Sysfs sysfs) {
        return DetachCommandSupport.pciDevices(devices, command, sysfs);
    }
}
