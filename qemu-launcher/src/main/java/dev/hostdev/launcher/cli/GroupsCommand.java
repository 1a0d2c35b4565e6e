package dev.hostdev.launcher.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.hostdev.engine.guard.HostGuard;
import dev.hostdev.engine.guard.HostUse;
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
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
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
                    + "driver; PCI bridges do not count. 'hostdev detach --group DEV' makes a group viable.",
            "A group the host keeps is 'not assignable', with the reason: it holds a host bridge, a platform "
                    + "function (interrupt controller, IOMMU, root complex event collector) or a device 'hostdev "
                    + "detach' refuses (root disk, mounted filesystem, swap, active network, boot VGA, framebuffer)."})
public final class GroupsCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Spec
    CommandSpec spec;

    /** One group with its members as listed; {@code keptBecause} says why the host keeps it (empty: it does not). */
    record Row(IommuGroup group, List<PciSummary> members, Viability viability, List<Kept> keptBecause) {
        boolean assignable() {
            return keptBecause.isEmpty();
        }
    }

    /**
     * One member the host keeps.
     *
     * @param kind        the guard's kind ({@code host_bridge}, {@code boot_vga}, …) or {@code platform_function}
     * @param overridable whether {@code detach --force} would take it anyway
     */
    record Kept(PciAddress address, String kind, String description, boolean overridable) {
    }

    @Override
    public Integer call() {
        Sysfs sysfs = common.sysfs();
        List<PciSummary> devices = new PciInventory(sysfs).summaries(json.enabled());
        Map<PciAddress, PciSummary> byAddress = devices.stream()
                .collect(Collectors.toMap(PciSummary::address, Function.identity()));
        List<IommuGroup> groups = new IommuGroups(sysfs).all();
        Map<PciAddress, List<Kept>> kept = groups.isEmpty() ? Map.of() : kept(sysfs, devices);
        List<Row> rows = new ArrayList<>();
        for (IommuGroup g : groups) {
            List<PciSummary> members = g.members().stream().map(byAddress::get).filter(m -> m != null).toList();
            List<Kept> why = members.stream().flatMap(m -> kept.getOrDefault(m.address(), List.of()).stream()).toList();
            rows.add(new Row(g, members, GroupViability.check(g.number(), members, Set.of()), why));
        }
        PciNames names = PciNames.lookup(sysfs.root(), devices);
        PrintWriter out = spec.commandLine().getOut();
        out.print(json.enabled() ? json(rows, names) : text(rows, names));
        out.flush();
        return 0;
    }

    /** What the host keeps: every use the host guard finds, the platform's own functions among them (what detach refuses). */
    private static Map<PciAddress, List<Kept>> kept(Sysfs sysfs, List<PciSummary> devices) {
        Map<PciAddress, List<Kept>> out = new HashMap<>();
        for (HostUse u : new HostGuard(sysfs).hostUses(devices.stream().map(PciSummary::address).toList())) {
            out.computeIfAbsent(u.device(), a -> new ArrayList<>()).add(new Kept(u.device(),
                    u.kind().name().toLowerCase(Locale.ROOT), u.describe(), u.overridable()));
        }
        return out;
    }

    static String text(List<Row> rows, PciNames names) {
        if (rows.isEmpty()) {
            return "No IOMMU groups: the IOMMU is off or absent (turn on VT-d/AMD-Vi and boot with intel_iommu=on"
                    + " or amd_iommu=on; 'hostdev doctor' checks).\n";
        }
        StringBuilder s = new StringBuilder();
        for (Row r : rows) {
            Viability v = r.viability();
            s.append("IOMMU group ").append(r.group().number()).append(": ");
            if (!r.assignable()) {
                s.append("not assignable: ").append(r.keptBecause().stream().map(k -> k.description()
                        + (k.overridable() ? " (only 'detach --force' would take it)" : ""))
                        .collect(Collectors.joining("; ")));
            } else {
                s.append(v.viable() ? "viable" : "not viable: " + v.blockers().stream().map(Object::toString)
                        .collect(Collectors.joining(", ")));
            }
            s.append('\n');
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
                g.writeBooleanField("assignable", r.assignable());
                g.writeArrayFieldStart("host_keeps");
                for (Kept k : r.keptBecause()) {
                    g.writeStartObject();
                    g.writeStringField("address", k.address().toString());
                    g.writeStringField("kind", k.kind());
                    g.writeStringField("description", k.description());
                    g.writeBooleanField("overridable", k.overridable());
                    g.writeEndObject();
                }
                g.writeEndArray();
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
