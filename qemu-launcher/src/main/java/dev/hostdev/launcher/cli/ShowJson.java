package dev.hostdev.launcher.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.hostdev.engine.guard.HostUse;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.pci.PciDevice;
import dev.hostdev.engine.pci.PciSummary;
import dev.hostdev.engine.pci.VmdDomain;
import dev.hostdev.engine.usb.UsbDevice;
import dev.hostdev.engine.usb.UsbNames;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/** The JSON of {@code hostdev show --json} (docs/json.md): list's fields first, then the details. */
final class ShowJson {
    private ShowJson() {
    }

    static String render(ShowPciReport r) {
        return write(g -> {
            PciDevice d = r.device();
            g.writeStringField("type", "pci");
            ListJson.pciFields(g, d.summary(), r.names());
            g.writeStringField("path", "/sys/" + d.sysfsPath());
            ListJson.nullable(g, "topology_path", r.selectors().path());
            g.writeArrayFieldStart("selectors");
            for (String s : r.selectors().selectors()) {
                g.writeString(s);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("selector_notes");
            for (String s : r.selectors().notes()) {
                g.writeString(s);
            }
            g.writeEndArray();
            ListJson.nullable(g, "parent", d.parent().map(PciAddress::toString));
            g.writeStringField("subsystem_vendor_id", String.format("0x%04x", d.subsystemVendorId()));
            g.writeStringField("subsystem_device_id", String.format("0x%04x", d.subsystemDeviceId()));
            ListJson.nullable(g, "driver_override", d.driverOverride());
            ListJson.nullable(g, "behind_vmd", VmdDomain.controllerOf(d).map(PciAddress::toString));
            g.writeBooleanField("detached_by_hostdev", r.record().isPresent());
            ListJson.nullable(g, "original_driver", r.originalDriver());
            g.writeArrayFieldStart("iommu_group_members");
            for (PciSummary m : r.groupMembers()) {
                g.writeStartObject();
                g.writeStringField("address", m.address().toString());
                ListJson.nullable(g, "driver", m.driver());
                g.writeBooleanField("bridge", m.isBridge());
                g.writeEndObject();
            }
            g.writeEndArray();
            if (r.viability().isPresent()) {
                g.writeBooleanField("iommu_group_viable", r.viability().get().viable());
                g.writeArrayFieldStart("iommu_group_blockers");
                for (var b : r.viability().get().blockers()) {
                    g.writeStartObject();
                    g.writeStringField("address", b.address().toString());
                    g.writeStringField("driver", b.driver());
                    g.writeEndObject();
                }
                g.writeEndArray();
            } else {
                g.writeNullField("iommu_group_viable");
                g.writeArrayFieldStart("iommu_group_blockers");
                g.writeEndArray();
            }
            g.writeBooleanField("pcie", d.pcie());
            if (d.link().isPresent()) {
                var l = d.link().get();
                g.writeObjectFieldStart("link");
                g.writeStringField("current_speed", l.currentSpeed());
                g.writeNumberField("current_width", l.currentWidth());
                g.writeStringField("max_speed", l.maxSpeed());
                g.writeNumberField("max_width", l.maxWidth());
                g.writeEndObject();
            } else {
                g.writeNullField("link");
            }
            if (d.sriov().isPresent()) {
                var v = d.sriov().get();
                g.writeObjectFieldStart("sriov");
                g.writeNumberField("total_vfs", v.totalVfs());
                g.writeNumberField("num_vfs", v.numVfs());
                g.writeArrayFieldStart("vfs");
                for (PciAddress vf : v.vfs()) {
                    g.writeString(vf.toString());
                }
                g.writeEndArray();
                g.writeEndObject();
            } else {
                g.writeNullField("sriov");
            }
            ListJson.nullable(g, "physfn", d.physfn().map(PciAddress::toString));
            g.writeArrayFieldStart("reset_methods");
            for (String m : d.resetMethods()) {
                g.writeString(m);
            }
            g.writeEndArray();
            g.writeBooleanField("boot_vga", d.bootVga());
            if (r.hostUses().isPresent()) {
                g.writeArrayFieldStart("host_uses");
                for (HostUse u : r.hostUses().get()) {
                    g.writeStartObject();
                    g.writeStringField("kind", u.kind().name().toLowerCase(java.util.Locale.ROOT));
                    g.writeStringField("detail", u.detail());
                    g.writeStringField("description", u.describe());
                    g.writeBooleanField("overridable", u.overridable());
                    g.writeEndObject();
                }
                g.writeEndArray();
            } else {
                g.writeNullField("host_uses");
            }
        });
    }

    static String render(UsbDevice d, UsbNames names) {
        return write(g -> {
            g.writeStringField("type", "usb");
            ListJson.usbFields(g, d, names);
            g.writeStringField("path", "/sys/" + d.sysfsPath());
        });
    }

    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    private static String write(Fields fields) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.append('\n').toString();
    }
}
