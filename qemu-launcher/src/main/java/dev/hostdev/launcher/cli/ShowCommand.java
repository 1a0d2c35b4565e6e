package dev.hostdev.launcher.cli;

import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.DeviceArguments;
import dev.hostdev.engine.pci.PciSelector;
import dev.hostdev.engine.pci.DeviceRef;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.pci.PciInventory;
import dev.hostdev.engine.pci.PciSummary;
import dev.hostdev.engine.sysfs.HostRoot;
import dev.hostdev.engine.sysfs.Sysfs;
import dev.hostdev.engine.usb.UsbDevice;
import dev.hostdev.engine.usb.UsbId;
import dev.hostdev.engine.usb.UsbInventory;
import dev.hostdev.engine.usb.UsbNames;
import dev.hostdev.engine.usb.UsbNodedevName;
import java.io.PrintWriter;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hostdev show DEV}: everything about one PCI or USB device. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Show everything about one device: path, parent, driver (and the driver it had before Hostdev "
                + "moved it), IOMMU group and its other members, NUMA node, SR-IOV, reset methods, link, host use.")
public final class ShowCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DEV",
            description = {"A PCI address (03:07.0, 0000:03:07.0, pci_0000_03_07_0), a USB bus-port (1-2, 1-2.3, "
                    + "usb_1_2_3), a USB root hub (usb1, usb_usb1), or a vendor:device ID (046d:c52b, 8086:10d3): "
                    + "USB devices first, then PCI; an ID several devices share is refused, naming them.",
                "Every name 'hostdev list' and 'hostdev show' print for a device is accepted, and a selector that survives "
                        + "renumbering: path:pci0000:00/1c.0/00.0, serial:SN, slot:3[#N], id:10de:2204[#N] (a PCI vendor:device "
                        + "ID ranked among identical devices)."})
    String device;

    @ArgGroup(exclusive = true)
    Format format = new Format();

    /** The output formats, one at a time. */
    static final class Format {
        @Option(names = "--json", description = "Print JSON (errors too).")
        boolean json;

        @Option(names = "--xml", description = "Print the device in libvirt's node device XML (as 'virsh nodedev-dumpxml').")
        boolean xml;

        @Option(names = "--hostdev-xml", description = "Print the <hostdev> element that gives the device to a libvirt domain.")
        boolean hostdevXml;
    }

    @Override
    public Integer call() {
        Sysfs sysfs = common.sysfs();
        OptionalInt rootHub = UsbNodedevName.tryParseRootHub(device);
        String out;
        if (PciSelector.isSelector(device)) {
            DeviceRef ref = DeviceArguments.resolve(device, sysfs);
            out = ref instanceof DeviceRef.Pci pci ? pci(sysfs, pci.address())
                    : usb(sysfs.root(), new UsbInventory(sysfs).find(((DeviceRef.UsbPort) ref).address()), true);
        } else if (rootHub.isPresent()) {
            out = usb(sysfs.root(), new UsbInventory(sysfs).rootHub(rootHub.getAsInt()), false);
        } else {
            DeviceRef ref = DeviceRef.parse(device);
            if (ref instanceof DeviceRef.Pci pci) {
                out = pci(sysfs, pci.address());
            } else if (ref instanceof DeviceRef.UsbPort port) {
                out = usb(sysfs.root(), new UsbInventory(sysfs).find(port.address()), true);
            } else {
                out = byId(sysfs, ((DeviceRef.Usb) ref).id());
            }
        }
        PrintWriter w = spec.commandLine().getOut();
        w.print(out);
        w.flush();
        return 0;
    }

    /**
     * A vendor:device ID names a USB device (root hubs included) or, when no USB device has it, a PCI
     * device: {@code list} prints both kinds of ID the same way.
     */
    private String byId(Sysfs sysfs, UsbId id) {
        UsbInventory usb = new UsbInventory(sysfs);
        if (usb.all().stream().anyMatch(d -> d.id().equals(id))) {
            return usb(sysfs.root(), usb.find(id, true), false);
        }
        List<PciAddress> pci = sysfs.isDirectory("bus/pci") ? new PciInventory(sysfs).summaries(false).stream()
                .filter(d -> d.vendorId() == id.vendor() && d.deviceId() == id.product())
                .map(PciSummary::address).toList() : List.of();
        if (pci.isEmpty()) {
            throw HostdevException.notFound("no USB or PCI device has ID " + id + " on this host",
                    "run 'hostdev list --all' to see the devices and their IDs");
        }
        if (pci.size() > 1) {
            throw HostdevException.usage(pci.size() + " PCI devices have ID " + id + ": "
                            + pci.stream().map(PciAddress::toString).collect(Collectors.joining(", ")),
                    "name one by its address, e.g. 'hostdev show " + pci.get(0) + "'");
        }
        return pci(sysfs, pci.get(0));
    }

    private String pci(Sysfs sysfs, PciAddress address) {
        if (format.hostdevXml) {
            new PciInventory(sysfs).find(address);
            return ShowHostdevXml.pci(address);
        }
        ShowPciReport report = ShowPciReport.gather(sysfs, address);
        return format.json ? ShowJson.render(report) : format.xml ? ShowNodedevXml.render(report) : ShowText.render(report);
    }

    private String usb(HostRoot root, UsbDevice d, boolean byPort) {
        if (format.hostdevXml && d.isRootHub()) {
            throw HostdevException.usage(d.name() + " is the root hub of USB bus " + d.bus()
                            + ": it is part of its host controller and has no <hostdev> of its own",
                    "give a device plugged into it ('hostdev list --usb'), or the controller by its PCI address");
        }
        if (format.hostdevXml) {
            return ShowHostdevXml.usb(d, byPort);
        }
        UsbNames names = UsbNames.lookup(root, List.of(d));
        return format.json ? ShowJson.render(d, names) : format.xml ? ShowNodedevXml.render(d, names) : ShowText.render(d, names);
    }
}
