package dev.hostdev.launcher.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.pci.PciListing;
import dev.hostdev.engine.pci.PciNames;
import dev.hostdev.engine.pci.PciSummary;
import dev.hostdev.engine.pci.UnreadablePciEntry;
import dev.hostdev.engine.usb.UsbDevice;
import dev.hostdev.engine.usb.UsbNames;
import dev.hostdev.engine.usb.UsbNodedevName;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The JSON of {@code hostdev list --json}, documented in docs/json.md: {@code {"pci":[…],"usb":[…]}}
 * with the key of each kind of device listed. Written with Jackson's streaming generator (no object
 * mapper to start for thousands of rows).
 */
final class ListJson {
    private ListJson() {
    }

    /**
     * @param pci     PCI devices, or {@code null} when not listed (the key is then absent)
     * @param modules each PCI device's kernel modules ({@code -k}), or {@code null} when not asked for
     *                ({@code kernel_modules} is then null)
     * @param usb     USB devices, or {@code null} when not listed
     */
    static String render(PciListing pci, PciNames pciNames, Map<PciAddress, List<String>> modules,
            List<UsbDevice> usb, UsbNames usbNames) {
        StringWriter w = new StringWriter(pci == null ? 1024 : pci.size() * 256);
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            g.writeStartObject();
            if (pci != null) {
                g.writeArrayFieldStart("pci");
                List<UnreadablePciEntry> unreadable = pci.unreadable();
                int u = 0;
                for (PciSummary d : pci.devices()) {
                    for (; u < unreadable.size() && before(unreadable.get(u), d); u++) {
                        unreadableFields(g, unreadable.get(u));
                    }
                    g.writeStartObject();
                    pciFields(g, d, pciNames);
                    g.writeFieldName("kernel_modules");
                    if (modules == null) {
                        g.writeNull();
                    } else {
                        g.writeStartArray();
                        for (String m : modules.getOrDefault(d.address(), List.of())) {
                            g.writeString(m);
                        }
                        g.writeEndArray();
                    }
                    g.writeNullField("warning");
                    g.writeEndObject();
                }
                for (; u < unreadable.size(); u++) {
                    unreadableFields(g, unreadable.get(u));
                }
                g.writeEndArray();
            }
            if (usb != null) {
                g.writeArrayFieldStart("usb");
                for (UsbDevice d : usb) {
                    g.writeStartObject();
                    usbFields(g, d, usbNames);
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.append('\n').toString();
    }

    /** The fields of one PCI device; {@code show --json} starts with the same ones. */
    static void pciFields(JsonGenerator g, PciSummary d, PciNames names) throws IOException {
        g.writeStringField("address", d.address().toString());
        g.writeStringField("nodedev_name", d.address().nodedevName());
        g.writeStringField("vendor_id", String.format("0x%04x", d.vendorId()));
        g.writeStringField("device_id", String.format("0x%04x", d.deviceId()));
        g.writeStringField("class", String.format("0x%06x", d.classCode()));
        g.writeStringField("revision", String.format("0x%02x", d.revision()));
        nullable(g, "driver", d.driver());
        g.writeFieldName("iommu_group");
        if (d.iommuGroup().isPresent()) {
            g.writeNumber(d.iommuGroup().getAsInt());
        } else {
            g.writeNull();
        }
        g.writeFieldName("numa_node");
        if (d.numaNode().isPresent()) {
            g.writeNumber(d.numaNode().getAsInt());
        } else {
            g.writeNull();
        }
        nullable(g, "vendor_name", names.vendor(d.vendorId()));
        nullable(g, "device_name", names.device(d.vendorId(), d.deviceId()));
        nullable(g, "class_name", names.className(d.classCode()));
    }

    /** Whether an unreadable entry is listed before {@code d}: by address; entries with no address go last. */
    static boolean before(UnreadablePciEntry e, PciSummary d) {
        return e.address().isPresent() && e.address().get().compareTo(d.address()) < 0;
    }

    /**
     * An entry that could not be read in full, as one object with the list fields: what could not be read
     * is null ({@code address} too when the entry's name is not an address), and {@code warning} says why.
     */
    private static void unreadableFields(JsonGenerator g, UnreadablePciEntry e) throws IOException {
        g.writeStartObject();
        nullable(g, "address", e.address().map(Object::toString));
        nullable(g, "nodedev_name", e.address().map(PciAddress::nodedevName));
        nullableHex(g, "vendor_id", e.vendorId(), "0x%04x");
        nullableHex(g, "device_id", e.deviceId(), "0x%04x");
        nullableHex(g, "class", e.classCode(), "0x%06x");
        nullableHex(g, "revision", e.revision(), "0x%02x");
        nullable(g, "driver", e.driver());
        g.writeFieldName("iommu_group");
        if (e.iommuGroup().isPresent()) {
            g.writeNumber(e.iommuGroup().getAsInt());
        } else {
            g.writeNull();
        }
        g.writeNullField("numa_node");
        g.writeNullField("vendor_name");
        g.writeNullField("device_name");
        g.writeNullField("class_name");
        g.writeNullField("kernel_modules");
        g.writeStringField("warning", "cannot read " + e.warning());
        g.writeEndObject();
    }

    private static void nullableHex(JsonGenerator g, String field, OptionalInt value, String format) throws IOException {
        if (value.isPresent()) {
            g.writeStringField(field, String.format(format, value.getAsInt()));
        } else {
            g.writeNullField(field);
        }
    }

    static void usbFields(JsonGenerator g, UsbDevice d, UsbNames names) throws IOException {
        g.writeStringField("name", d.name());
        g.writeStringField("nodedev_name", UsbNodedevName.of(d));
        g.writeNumberField("bus", d.bus());
        g.writeNumberField("devnum", d.devnum());
        nullable(g, "port", d.port().map(Object::toString));
        g.writeStringField("vendor_id", String.format("0x%04x", d.id().vendor()));
        g.writeStringField("product_id", String.format("0x%04x", d.id().product()));
        nullable(g, "vendor_name", names.vendor(d.id()));
        nullable(g, "product_name", names.product(d.id()));
        nullable(g, "manufacturer", d.manufacturer());
        nullable(g, "product", d.product());
        nullable(g, "serial", d.serial());
        nullable(g, "speed_mbps", d.speed());
        g.writeBooleanField("hub", d.isHub());
        g.writeBooleanField("root_hub", d.isRootHub());
    }

    static void nullable(JsonGenerator g, String field, Optional<String> value) throws IOException {
        if (value.isPresent()) {
            g.writeStringField(field, value.get());
        } else {
            g.writeNullField(field);
        }
    }
}
