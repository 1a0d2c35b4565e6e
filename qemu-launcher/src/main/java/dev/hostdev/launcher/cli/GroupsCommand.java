package dev.hostdev.launcher.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.hostdev.engine.iommu.GroupViability;
import dev.hostdev.engine.iommu.IommuGroup;
import dev.hostdev.engine.iommu.IommuGroups;
import dev.hostdev.engine.iommu.Viability;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.pci.PciInventory;
import dev.hostdev.engine.pci.PciNames;
import dev.hostdev.engine.pci.PciSummary;
import dev.hostdev.engine.sysfs.Sysfs;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code hostdev groups}: every IOMMU group with its members, their drivers, and whether it is viable. */
@Command(name = "groups", mixinStandardHelpOptions = true,
        description = {"List IOMMU groups, their members and whether each is viable.",
            "A group is viable (can be given to a VM) when every endpoint in it is on vfio-pci, pci-stub or no "
                    + "driver; PCI bridges do not count. 'hostdev detach --group DEV' makes a group viable."})
public final class GroupsCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Spec
    CommandSpec spec;

    /** One group with its members as listed. */
    record Row(IommuGroup group, List<PciSummary> members, Viability viability) {
    }

    @Override
    public Integer call() {
        Sysfs sysfs = common.sysfs();
        List<PciSummary> devices = new PciInventory(sysfs).summaries(json.enabled());
        Map<PciAddress, PciSummary> byAddress = devices.stream()
                .collect(Collectors.toMap(PciSummary::address, Function.identity()));
        List<Row> rows = new ArrayList<>();
        for (IommuGroup g : new IommuGroups(sysfs).all()) {
            List<PciSummary> members = g.members().stream().map(byAddress::get).filter(m -> m != null).toList();
            rows.add(new Row(g, members, GroupViability.check(g.number(), members, Set.of())));
        }
        PciNames names = PciNames.lookup(sysfs.root(), devices);
        PrintWriter out = spec.commandLine().getOut();
        out.print(json.enabled() ? json(rows, names) : text(rows, names));
        out.flush();
        return 0;
    }

    static String text(List<Row> rows, PciNames names) {
        if (rows.isEmpty()) {
            return "No IOMMU groups: the IOMMU is off or absent (turn on VT-d/AMD-Vi and boot with intel_iommu=on"
                    + " or amd_iommu=on; 'hostdev doctor' checks).\n";
        }
        StringBuilder s = new StringBuilder();
        for (Row r : rows) {
            Viability v = r.viability();
            s.append("IOMMU group ").append(r.group().number()).append(": ")
                    .append(v.viable() ? "viable" : "not viable: " + v.blockers().stream().map(Object::toString)
                            .collect(Collectors.joining(", ")))
                    .append('\n');
            for (PciSummary m : r.members()) {
                s.append("  ");
                ListText.pciLine(s, m, names);
            }
        }
        return s.toString();
    }

    static String json(List<Row> rows, PciNames names) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            g.writeStartObject();
            g.writeBooleanField("iommu_enabled", !rows.isEmpty());
            g.writeArrayFieldStart("groups");
            for (Row r : rows) {
                g.writeStartObject();
                g.writeNumberField("number", r.group().number());
                g.writeBooleanField("viable", r.viability().viable());
                g.writeArrayFieldStart("blockers");
                for (var b : r.viability().blockers()) {
                    g.writeStartObject();
                    g.writeStringField("address", b.address().toString());
                    g.writeStringField("driver", b.driver());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeArrayFieldStart("devices");
                for (PciSummary m : r.members()) {
                    g.writeStartObject();
                    ListJson.pciFields(g, m, names);
                    g.writeBooleanField("bridge", m.isBridge());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.append('\n').toString();
    }
}
