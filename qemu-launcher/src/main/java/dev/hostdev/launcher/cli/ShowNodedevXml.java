package dev.hostdev.launcher.cli;

import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.pci.PciDevice;
import dev.hostdev.engine.usb.UsbDevice;
import dev.hostdev.engine.usb.UsbNames;
import dev.hostdev.engine.usb.UsbNodedevName;
import java.util.Optional;

/**
 * {@code hostdev show --xml}: the device in libvirt's node device format, as {@code virsh
 * nodedev-dumpxml} prints it (https://libvirt.org/formatnode.html): name, path, parent, driver, and the
 * {@code pci} capability with class, domain, bus, slot, function, product, vendor, SR-IOV functions,
 * IOMMU group, NUMA node and PCI Express link; or the {@code usb_device} capability.
 */
final class ShowNodedevXml {
    private ShowNodedevXml() {
    }

    static String render(ShowPciReport r) {
        PciDevice d = r.device();
        PciAddress a = d.address();
        ShowXmlWriter x = new ShowXmlWriter().open("device");
        x.text("name", a.nodedevName());
        x.text("path", "/sys/" + d.sysfsPath());
        x.text("parent", d.parent().map(PciAddress::nodedevName).orElse("computer"));
        d.driver().ifPresent(name -> x.open("driver").text("name", name).close());
        x.open("capability", "type", "pci");
        x.text("class", String.format("0x%06x", d.classCode()));
        x.text("domain", Long.toString(a.domain()));
        x.text("bus", Integer.toString(a.bus()));
        x.text("slot", Integer.toString(a.slot()));
        x.text("function", Integer.toString(a.function()));
        x.text("product", r.names().device(d.vendorId(), d.deviceId()).orElse(""), "id",
                String.format("0x%04x", d.deviceId()));
        x.text("vendor", r.names().vendor(d.vendorId()).orElse(""), "id", String.format("0x%04x", d.vendorId()));
        d.physfn().ifPresent(pf -> x.open("capability", "type", "phys_function").empty("address", address(pf)).close());
        d.sriov().ifPresent(v -> {
            x.open("capability", "type", "virt_functions", "maxCount", Integer.toString(v.totalVfs()));
            v.vfs().forEach(vf -> x.empty("address", address(vf)));
            x.close();
        });
        r.group().ifPresent(g -> {
            x.open("iommuGroup", "number", Integer.toString(g.number()));
            g.members().forEach(m -> x.empty("address", address(m)));
            x.close();
        });
        if (d.numaNode() >= 0) {
            x.empty("numa", "node", Integer.toString(d.numaNode()));
        }
        d.link().ifPresent(l -> {
            Optional<String> max = gts(l.maxSpeed());
            Optional<String> cur = gts(l.currentSpeed());
            if (max.isPresent() || cur.isPresent()) {
                x.open("pci-express");
                max.ifPresent(s -> x.empty("link", "validity", "cap", "speed", s, "width", Integer.toString(l.maxWidth())));
                cur.ifPresent(s -> x.empty("link", "validity", "sta", "speed", s, "width",
                        Integer.toString(l.currentWidth())));
                x.close();
            }
        });
        return x.close().close().finish();
    }

    static String render(UsbDevice d, UsbNames names) {
        ShowXmlWriter x = new ShowXmlWriter().open("device");
        x.text("name", UsbNodedevName.of(d));
        x.text("path", "/sys/" + d.sysfsPath());
        x.text("parent", UsbNodedevName.parentOf(d));
        x.open("driver").text("name", "usb").close();
        x.open("capability", "type", "usb_device");
        x.text("bus", Integer.toString(d.bus()));
        x.text("device", Integer.toString(d.devnum()));
        x.text("product", names.product(d.id()).or(d::product).orElse(""), "id",
                String.format("0x%04x", d.id().product()));
        x.text("vendor", names.vendor(d.id()).or(d::manufacturer).orElse(""), "id",
                String.format("0x%04x", d.id().vendor()));
        return x.close().close().finish();
    }

    /** libvirt's speed attribute: {@code 8.0 GT/s PCIe} becomes {@code 8}, {@code 2.5 GT/s PCIe} stays {@code 2.5}. */
    static Optional<String> gts(String sysfsSpeed) {
        int end = sysfsSpeed.indexOf(" GT/s");
        if (end <= 0) {
            return Optional.empty();
        }
        String number = sysfsSpeed.substring(0, end);
        if (!number.matches("[0-9]+(\\.[0-9]+)?")) {
            return Optional.empty();
        }
        return Optional.of(number.endsWith(".0") ? number.substring(0, number.length() - 2) : number);
    }

    static String[] address(PciAddress a) {
        return new String[] {"domain", String.format("0x%04x", a.domain()), "bus", String.format("0x%02x", a.bus()),
            "slot", String.format("0x%02x", a.slot()), "function", String.format("0x%x", a.function())};
    }
}
