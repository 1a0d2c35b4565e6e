package dev.hostdev.launcher.cli;

import dev.hostdev.engine.guard.HostUse;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.pci.VmdDomain;
import dev.hostdev.engine.pci.PciDevice;
import dev.hostdev.engine.pci.PciSummary;
import dev.hostdev.engine.usb.UsbDevice;
import dev.hostdev.engine.usb.UsbNames;
import dev.hostdev.engine.usb.UsbNodedevName;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The text of {@code hostdev show}: the list line, then one labelled fact per line. */
final class ShowText {
    private ShowText() {
    }

    static String render(ShowPciReport r) {
        PciDevice d = r.device();
        StringBuilder s = new StringBuilder();
        ListText.pciLine(s, d.summary(), r.names());
        field(s, "nodedev name", d.address().nodedevName());
        field(s, "path", "/sys/" + d.sysfsPath());
        field(s, "topology path", r.selectors().path().orElse("unknown"));
        field(s, "selectors", r.selectors().selectors().isEmpty() ? "none" : String.join("  ", r.selectors().selectors()));
        for (String note : r.selectors().notes()) {
            field(s, "selector note", note);
        }
        field(s, "parent", d.parent().map(PciAddress::toString).orElse("none (root bus)"));
        Optional<PciAddress> vmd = VmdDomain.controllerOf(d);
        vmd.ifPresent(c -> field(s, "behind VMD", c + " (Intel VMD): not assignable alone; detach " + c
                + " itself to give a VM every device behind it"));
        field(s, "subsystem", String.format("[%04x:%04x]", d.subsystemVendorId(), d.subsystemDeviceId()));
        field(s, "driver", d.driver().orElse("none"));
        field(s, "driver_override", d.driverOverride().orElse("none"));
        if (r.record().isPresent()) {
            field(s, "original driver", r.originalDriver().orElse("none") + " (Hostdev moved it to "
                    + r.record().get().driver() + ")");
        }
        if (r.group().isPresent()) {
            List<PciSummary> others = r.otherMembers();
            field(s, "IOMMU group", r.group().get().number() + (others.isEmpty() ? " (alone in it)"
                    : ", with " + others.stream().map(m -> m.address() + " (" + m.driver().orElse("no driver") + ")")
                            .collect(Collectors.joining(", "))));
            if (vmd.isPresent()) {
                field(s, "group viable", "no: " + d.address() + " is behind Intel VMD " + vmd.get()
                        + " (detach the controller instead)");
            } else {
                r.viability().ifPresent(v -> field(s, "group viable", v.viable() ? "yes, once this device is detached"
                    : "no: " + v.blockers().stream().map(Object::toString).collect(Collectors.joining(", "))
                            + " (detach " + (v.blockers().size() == 1 ? "it" : "them") + " too, or use --group)"));
            }
        } else {
            field(s, "IOMMU group", "none (the IOMMU is off or absent)");
        }
        field(s, "NUMA node", Integer.toString(d.numaNode()));
        field(s, "PCI Express", d.pcie() ? "yes" : "no");
        d.link().ifPresent(l -> field(s, "link", l.currentSpeed() + " x" + l.currentWidth() + " (max " + l.maxSpeed()
                + " x" + l.maxWidth() + ")"));
        d.sriov().ifPresent(v -> field(s, "SR-IOV", "physical function, " + v.numVfs() + " of " + v.totalVfs()
                + " VFs enabled" + (v.vfs().isEmpty() ? "" : ": " + v.vfs().stream().map(PciAddress::toString)
                        .collect(Collectors.joining(", ")))));
        d.physfn().ifPresent(pf -> field(s, "SR-IOV", "virtual function of " + pf));
        field(s, "reset methods", d.resetMethods().isEmpty() ? "none" : String.join(" ", d.resetMethods()));
        if (d.bootVga()) {
            field(s, "boot VGA", "yes");
        }
        r.hostUses().ifPresent(uses -> field(s, "host uses it", uses.isEmpty() ? "no"
                : uses.stream().map(HostUse::describe).collect(Collectors.joining("; "))));
        return s.toString();
    }

    static String render(UsbDevice d, UsbNames names) {
        StringBuilder s = new StringBuilder();
        ListText.usbLine(s, d, names);
        field(s, "nodedev name", UsbNodedevName.of(d));
        field(s, "path", "/sys/" + d.sysfsPath());
        field(s, "bus-port", d.port().map(Object::toString).orElse("none (root hub)"));
        field(s, "manufacturer", d.manufacturer().orElse("unknown"));
        field(s, "product", d.product().orElse("unknown"));
        d.serial().ifPresent(v -> field(s, "serial", v));
        d.speed().ifPresent(v -> field(s, "speed", v + " Mbit/s"));
        field(s, "hub", d.isHub() ? "yes" : "no");
        return s.toString();
    }

    private static void field(StringBuilder s, String label, String value) {
        s.append("  ").append(label).append(':').append(" ".repeat(Math.max(1, 17 - label.length()))).append(value)
                .append('\n');
    }
}
