package dev.hostdev.launcher.topology;

import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.launcher.spec.HostdevSpec;
import dev.hostdev.launcher.spec.VmSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Spells out {@code functions = "all"}: a {@code [[hostdev]]} on function 0 stands for every function the host has
 * in that slot, each added after it as a hostdev of its own ({@code ID-fN}, same {@code managed}), so that the
 * detach, the IOMMU group rule, the checks and the records cover all of them like functions listed one by one.
 */
public final class AllFunctions {
    private AllFunctions() {
    }

    /**
     * The spec with each {@code functions = "all"} spelt out; the same spec if none says so.
     *
     * @param notes receives what was added
     * @throws HostdevException usage if a function is also given by its own [[hostdev]], or an id is taken
     */
    public static VmSpec expand(VmSpec spec, PciFacts facts, List<String> notes) {
        if (spec.pciHostdevs().stream().noneMatch(h -> h.slotKeys().allFunctions())) {
            return spec;
        }
        Set<String> ids = new HashSet<>();
        spec.hostdevs().forEach(h -> ids.add(h.id()));
        spec.devices().forEach(d -> ids.add(d.id()));
        Set<PciAddress> given = new HashSet<>();
        spec.pciHostdevs().forEach(h -> h.pci().ifPresent(given::add));
        List<HostdevSpec> out = new ArrayList<>();
        for (HostdevSpec h : spec.hostdevs()) {
            out.add(h);
            if (!h.isPci() || !h.slotKeys().allFunctions() || h.pci().isEmpty()) {
                continue;
            }
            PciAddress zero = h.pci().get();
            if (zero.function() != 0) {
                throw HostdevException.usage(h.where() + ": functions = \"all\" names " + zero + ", which is not function 0 of its device",
                        "name " + zero.functionZero() + " there, or remove functions = \"all\"");
            }
            List<PciAddress> functions = facts.functionsOf(zero);
            if (functions.isEmpty()) {
                notes.add(zero + " (" + h.id() + ") is not present on this host: functions = \"all\" gives function 0 only");
                continue;
            }
            List<String> added = new ArrayList<>();
            for (PciAddress f : functions) {
                if (f.equals(zero)) {
                    continue;
                }
                if (given.contains(f)) {
                    throw HostdevException.usage(h.where() + ": functions = \"all\" gives " + f + ", which another [[hostdev]] gives too",
                            "remove the [[hostdev]] of " + f + ", or remove functions = \"all\" and list each function");
                }
                String id = h.id() + "-f" + f.function();
                if (!ids.add(id)) {
                    throw HostdevException.usage(h.where() + ": functions = \"all\" names function " + f.function() + " '" + id
                            + "', the id of another device", "choose another id for that device");
                }
                out.add(h.sibling(id, f));
                added.add(f + " (" + id + ")");
            }
            if (!added.isEmpty()) {
                notes.add("functions = \"all\" of " + zero + " (" + h.id() + ") adds " + String.join(", ", added));
            }
        }
        return spec.withHostdevs(out);
    }
}
