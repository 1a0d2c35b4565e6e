package dev.hostdev.launcher.cli;

import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.pci.PciListing;
import dev.hostdev.engine.pci.PciNames;
import dev.hostdev.engine.pci.PciSummary;
import dev.hostdev.engine.pci.UnreadablePciEntry;
import dev.hostdev.engine.usb.UsbDevice;
import dev.hostdev.engine.usb.UsbNames;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** The text of {@code hostdev list}: one line per device. */
final class ListText {
    private ListText() {
    }

    /**
     * @param pci     PCI devices, or {@code null} when not listed
     * @param modules each PCI device's kernel modules ({@code -k}), or {@code null} when not asked for
     * @param usb     USB devices, or {@code null} when not listed
     */
    static String render(PciListing pci, PciNames pciNames, Map<PciAddress, List<String>> modules,
            List<UsbDevice> usb, UsbNames usbNames) {
        StringBuilder s = new StringBuilder(pci == null ? 1024 : pci.size() * 128);
        if (pci != null) {
            List<PciSummary> devices = pci.devices();
            List<UnreadablePciEntry> unreadable = pci.unreadable();
            int u = 0;
            for (PciSummary d : devices) {
                for (; u < unreadable.size() && ListJson.before(unreadable.get(u), d); u++) {
                    unreadableLine(s, unreadable.get(u));
                }
                pciLine(s, d, pciNames);
                if (modules != null) {
                    kernelLines(s, d, modules.getOrDefault(d.address(), List.of()));
                }
            }
            for (; u < unreadable.size(); u++) {
                unreadableLine(s, unreadable.get(u));
            }
        }
        if (usb != null) {
            if (pci != null && pci.size() > 0 && !usb.isEmpty()) {
                s.append('\n');
            }
            for (UsbDevice d : usb) {
                usbLine(s, d, usbNames);
            }
        }
        return s.toString();
    }

    /**
     * {@code 0000:00:02.0 Mass storage controller [0180]: Red Hat, Inc. Virtio 1.0 block device [1af4:1042] (rev 01)  driver=virtio-pci group=none}.
     */
    static void pciLine(StringBuilder s, PciSummary d, PciNames names) {
        // No String.format: it is slow to start and this runs for every device.
        HexFormat hex = HexFormat.of();
        s.append(d.address()).append(' ').append(names.classLabel(d.classCode()))
                .append(" [").append(hex.toHexDigits((short) (d.classCode() >>> 8))).append("]: ")
                .append(names.deviceLabel(d.vendorId(), d.deviceId()))
                .append(" [").append(hex.toHexDigits((short) d.vendorId())).append(':')
                .append(hex.toHexDigits((short) d.deviceId())).append(']');
        if (d.revision() != 0) {
            s.append(" (rev ").append(hex.toHexDigits((byte) d.revision())).append(')');
        }
        s.append("  driver=").append(d.driver().orElse("none"))
                .append(" group=").append(d.iommuGroup().isPresent() ? Integer.toString(d.iommuGroup().getAsInt()) : "none")
                .append('\n');
    }

    /** As lspci -k: {@code \tKernel driver in use: e1000e} and {@code \tKernel modules: e1000e}, each when known. */
    static void kernelLines(StringBuilder s, PciSummary d, List<String> modules) {
        d.driver().ifPresent(driver -> s.append("\tKernel driver in use: ").append(driver).append('\n'));
        if (!modules.isEmpty()) {
            s.append("\tKernel modules: ").append(String.join(", ", modules)).append('\n');
        }
    }

    /**
     * An entry that could not be read in full, in the same shape with {@code ?} for what could not be read:
     * {@code 10000:01:00.0 Class ???? [????]: Device [8086:0a54]  driver=nvme group=5  unreadable: 'class' is missing or unreadable}.
     */
    static void unreadableLine(StringBuilder s, UnreadablePciEntry e) {
        HexFormat hex = HexFormat.of();
        s.append(e.address().map(Object::toString).orElse(e.printableName())).append(' ');
        if (e.classCode().isPresent()) {
            String digits = hex.toHexDigits((short) (e.classCode().getAsInt() >>> 8));
            s.append("Class ").append(digits).append(" [").append(digits).append("]: ");
        } else {
            s.append("Class ???? [????]: ");
        }
        s.append("Device [").append(e.vendorId().isPresent() ? hex.toHexDigits((short) e.vendorId().getAsInt()) : "????")
                .append(':').append(e.deviceId().isPresent() ? hex.toHexDigits((short) e.deviceId().getAsInt()) : "????")
                .append(']');
        if (e.revision().isPresent() && e.revision().getAsInt() != 0) {
            s.append(" (rev ").append(hex.toHexDigits((byte) e.revision().getAsInt())).append(')');
        }
        s.append("  driver=").append(e.driver().orElse("none")).append(" group=")
                .append(e.iommuGroup().isPresent() ? Integer.toString(e.iommuGroup().getAsInt()) : "none")
                .append("  unreadable: ").append(e.problem()).append('\n');
    }

    /** {@code Bus 001 Device 002: ID 046d:c52b Logitech, Inc. Unifying Receiver  port=1-2}, as lsusb. */
    static void usbLine(StringBuilder s, UsbDevice d, UsbNames names) {
        s.append(String.format("Bus %03d Device %03d: ID %s", d.bus(), d.devnum(), d.id()));
        String label = names.label(d);
        if (!label.isEmpty()) {
            s.append(' ').append(label);
        }
        s.append("  ").append(d.port().map(p -> "port=" + p).orElse("root-hub")).append('\n');
    }
}
