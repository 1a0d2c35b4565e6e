package dev.hostdev.launcher.cli;

import dev.hostdev.engine.pci.DeviceArguments;
import dev.hostdev.engine.pci.DeviceRef;
import dev.hostdev.engine.sysfs.HostRoot;
import dev.hostdev.engine.sysfs.Sysfs;
import dev.hostdev.engine.usb.UsbDevice;
import dev.hostdev.engine.usb.UsbInventory;
import dev.hostdev.engine.usb.UsbNames;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
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
            description = "03:07.0, 0000:03:07.0 or pci_0000_03_07_0; a USB bus-port (1-2, 1-2.3) or vendor:product (046d:c52b); "
                    + "or a selector: path:pci0000:00/1c.0/00.0, serial:SN, slot:3[#N], id:10de:2204[#N].")
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
        DeviceRef ref = DeviceArguments.resolve(device, sysfs);
        String out;
        if (ref instanceof DeviceRef.Pci pci) {
            out = pci(sysfs, pci);
        } else if (ref instanceof DeviceRef.UsbPort port) {
            out = usb(sysfs.root(), new UsbInventory(sysfs).find(port.address()), true);
        } else {
            out = usb(sysfs.root(), new UsbInventory(sysfs).find(((DeviceRef.Usb) ref).id()), false);
        }
        PrintWriter w = spec.commandLine().getOut();
        w.print(out);
        w.flush();
        return 0;
    }

    private String pci(Sysfs sysfs, DeviceRef.Pci ref) {
        if (format.hostdevXml) {
            new dev.hostdev.engine.pci.PciInventory(sysfs).find(ref.address());
            return ShowHostdevXml.pci(ref.address());
        }
        ShowPciReport report = ShowPciReport.gather(sysfs, ref.address());
        return format.json ? ShowJson.render(report) : format.xml ? ShowNodedevXml.render(report) : ShowText.render(report);
    }

    private String usb(HostRoot root, UsbDevice d, boolean byPort) {
        if (format.hostdevXml) {
            return ShowHostdevXml.usb(d, byPort);
        }
        UsbNames names = UsbNames.lookup(root, List.of(d));
        return format.json ? ShowJson.render(d, names) : format.xml ? ShowNodedevXml.render(d, names) : ShowText.render(d, names);
    }
}
