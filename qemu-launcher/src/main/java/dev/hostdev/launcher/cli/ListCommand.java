package dev.hostdev.launcher.cli;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciInventory;
import dev.hostdev.engine.pci.PciListing;
import dev.hostdev.engine.pci.PciNames;
import dev.hostdev.engine.pci.UnreadablePciEntry;
import dev.hostdev.engine.sysfs.HostRoot;
import dev.hostdev.engine.sysfs.Sysfs;
import dev.hostdev.engine.usb.UsbDevice;
import dev.hostdev.engine.usb.UsbInventory;
import dev.hostdev.engine.usb.UsbNames;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hostdev list}: every PCI (and USB) device, as {@code lspci -nn} plus driver and IOMMU group. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = {"List PCI (and USB) devices with driver and IOMMU group.",
            "PCI lines read like 'lspci -nn' (address, class [class id]: vendor and device [vendor:device] "
                    + "(rev)), then driver=NAME|none and group=N|none; USB lines like 'lsusb', then the bus-port. "
                    + "Names come from the system's pci.ids and usb.ids. The --json schema is in docs/json.md.",
            "Every entry of /sys/bus/pci/devices is listed: one that cannot be read in full is shown with what could "
                    + "be read ('?' for the rest) and 'unreadable: WHY', and warned about on standard error."})
public final class ListCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Spec
    CommandSpec spec;

    @Option(names = "--usb", description = "List USB devices instead of PCI devices.")
    boolean usb;

    @Option(names = "--all", description = "List PCI and USB devices.")
    boolean all;

    @Override
    public Integer call() {
        String text = render(common.hostRoot(), common.sysfs(), json.enabled(), usb, all, spec.commandLine().getErr());
        PrintWriter out = spec.commandLine().getOut();
        out.print(text);
        out.flush();
        return 0;
    }

    /**
     * The whole output of {@code list}; {@link ListFastPath} calls it without building the command tree.
     * An entry of /sys/bus/pci/devices that cannot be read is listed with what could be read, and a
     * warning naming it and what is wrong goes to {@code err}.
     *
     * @throws HostdevException (environment) when the root has no {@code /sys/bus/pci}
     */
    static String render(HostRoot root, Sysfs sysfs, boolean json, boolean usb, boolean all, PrintWriter err) {
        boolean showPci = all || !usb;
        boolean showUsb = all || usb;
        PciListing pci = null;
        PciNames pciNames = null;
        if (showPci) {
            if (!sysfs.isDirectory("bus/pci")) {
                throw new HostdevException(ErrorCode.ENVIRONMENT,
                        "no PCI bus in sysfs: " + root.display(sysfs.path("bus/pci")) + " is missing under " + root,
                        "sysfs must be mounted on /sys; check --root and HOSTDEV_ROOT");
            }
            pci = new PciInventory(sysfs).listing(json);
            pciNames = PciNames.lookup(root, pci.devices());
            for (UnreadablePciEntry e : pci.unreadable()) {
                err.println("hostdev: warning: cannot read " + e.warning());
            }
            err.flush();
        }
        List<UsbDevice> usbDevices = null;
        UsbNames usbNames = null;
        if (showUsb) {
            usbDevices = new UsbInventory(sysfs).all();
            usbNames = UsbNames.lookup(root, usbDevices);
        }
        return json ? ListJson.render(pci, pciNames, usbDevices, usbNames)
                : ListText.render(pci, pciNames, usbDevices, usbNames);
    }
}
