package dev.hostdev.launcher.spec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hostdev.engine.numa.CpuList;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/** Reads the spec's {@code [placement]} table into a {@link PlacementSpec}. */
final class PlacementKeys {
    /** Hugepage sizes x86-64 has. */
    static final long PAGE_2M_KIB = 2048;
    static final long PAGE_1G_KIB = 1024 * 1024;
    /** NUMA nodes a guest may be given (QEMU's MAX_NODES is 128; more makes no sense for a spec). */
    static final int MAX_GUEST_NODES = 64;

    private PlacementKeys() {
    }

    /** The table, checked against the VM's vCPU count. */
    static Optional<PlacementSpec> read(TomlTable top, int cpus, MemorySize memory, Set<String> topLevelKeys) {
        Optional<TomlTable> table = top.table("placement");
        if (table.isEmpty()) {
            return Optional.empty();
        }
        TomlTable t = table.get();
        Optional<PlacementSpec.Numa> numa = numa(t);
        Optional<PlacementSpec.Pin> vcpu = pin(t, "vcpu_pin", "\"auto\" or \"24-27,72-75\"");
        Optional<PlacementSpec.Pin> emulator = pin(t, "emulator_pin", "\"auto\" or \"0-1\"");
        OptionalLong pages = hugepages(t);
        boolean reserve = t.bool("reserve_hugepages").orElse(false);
        boolean steer = t.bool("steer_irqs").orElse(true);
        Optional<Integer> guestNodes = t.integer("guest_nodes", 1, MAX_GUEST_NODES);
        java.util.Map<String, Integer> deviceNodes = new java.util.LinkedHashMap<>();
        Optional<TomlTable> dn = t.table("device_nodes");
        if (dn.isPresent()) {
            for (String id : dn.get().keys()) {
                int node = dn.get().integer(id, 0, MAX_GUEST_NODES - 1).orElseThrow();
                if (node >= guestNodes.orElse(1)) {
                    throw dn.get().error(id, "puts the device on guest node " + node + "; the guest has nodes 0-" + (guestNodes.orElse(1) - 1),
                            "raise guest_nodes, or use a node below it");
                }
                deviceNodes.put(id, node);
            }
        }
        t.finish(topLevelKeys);
        if (vcpu.orElse(null) instanceof PlacementSpec.Pin.Cpus c && c.cpus().size() != cpus) {
            throw t.error("vcpu_pin", "lists " + c.cpus().size() + " host CPUs (" + c.cpus() + ") for " + cpus + " vCPUs",
                    "give one host CPU per vCPU, in vCPU order, or vcpu_pin = \"auto\"");
        }
        if (vcpu.orElse(null) instanceof PlacementSpec.Pin.Cpus v && emulator.orElse(null) instanceof PlacementSpec.Pin.Cpus e
                && !v.cpus().and(e.cpus()).isEmpty()) {
            throw t.error("emulator_pin", "shares CPUs " + v.cpus().and(e.cpus()) + " with vcpu_pin",
                    "keep QEMU's other threads off the vCPUs' CPUs");
        }
        if (reserve && pages.isEmpty()) {
            throw t.error("reserve_hugepages", "needs hugepages = \"2M\" or \"1G\"", "add hugepages = \"2M\"");
        }
        if (guestNodes.isPresent() && guestNodes.get() > cpus) {
            throw t.error("guest_nodes", "asks for " + guestNodes.get() + " guest NUMA nodes with " + cpus + " vCPUs",
                    "each guest node needs a vCPU: raise cpus or lower guest_nodes");
        }
        int nodes = guestNodes.orElse(1);
        long pageBytes = pages.orElse(1024) * 1024;
        if (memory.bytes() % (nodes * pageBytes) != 0 || memory.bytes() % (nodes * MemorySize.MIB) != 0) {
            String what = pages.isPresent() ? dev.hostdev.engine.numa.HugepagePool.sizeName(pages.getAsLong()) + " pages" : "MiB";
            throw t.error(pages.isPresent() ? "hugepages" : "guest_nodes", "needs memory (" + memory + ") to split into whole "
                    + what + (nodes > 1 ? " on each of " + nodes + " guest nodes" : ""),
                    "make memory a multiple of " + (pages.isPresent() ? dev.hostdev.engine.numa.HugepagePool.sizeName(pages.getAsLong()) : "1M")
                            + (nodes > 1 ? " times " + nodes : ""));
        }
        return Optional.of(new PlacementSpec(numa, vcpu, emulator, pages, reserve, steer,
                guestNodes.map(OptionalInt::of).orElse(OptionalInt.empty()), deviceNodes, top.where("placement")));
    }

    private static Optional<PlacementSpec.Numa> numa(TomlTable t) {
        JsonNode v = t.raw("numa");
        if (v == null) {
            return Optional.empty();
        }
        if (v.isTextual() && v.asText().equals("device")) {
            return Optional.of(new PlacementSpec.Numa.OfDevices());
        }
        if (v.isIntegralNumber() && v.canConvertToInt() && v.asInt() >= 0 && v.asInt() < 1024) {
            return Optional.of(new PlacementSpec.Numa.Node(v.asInt()));
        }
        throw t.error("numa", "must be \"device\" or a host node number, not " + TomlTable.describe(v),
                "numa = \"device\" (the node of the VM's devices) or numa = 1");
    }

    private static Optional<PlacementSpec.Pin> pin(TomlTable t, String key, String example) {
        Optional<String> s = t.string(key);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        if (s.get().equals("auto")) {
            return Optional.of(new PlacementSpec.Pin.Auto());
        }
        try {
            CpuList cpus = CpuList.parse(s.get());
            if (cpus.isEmpty()) {
                throw t.error(key, "is empty", "give " + example);
            }
            return Optional.of(new PlacementSpec.Pin.Cpus(cpus));
        } catch (IllegalArgumentException e) {
            throw t.error(key, "is not \"auto\" or a CPU list: " + e.getMessage(), "give " + example);
        }
    }

    private static OptionalLong hugepages(TomlTable t) {
        JsonNode v = t.raw("hugepages");
        if (v == null || (v.isBoolean() && !v.asBoolean())) {
            return OptionalLong.empty();
        }
        if (v.isTextual()) {
            switch (v.asText().toUpperCase(java.util.Locale.ROOT)) {
                case "2M", "2MB", "2MIB" -> {
                    return OptionalLong.of(PAGE_2M_KIB);
                }
                case "1G", "1GB", "1GIB" -> {
                    return OptionalLong.of(PAGE_1G_KIB);
                }
                default -> {
                }
            }
        }
        throw t.error("hugepages", "must be \"2M\", \"1G\" or false, not " + TomlTable.describe(v),
                "hugepages = \"1G\" (guest RAM from 1 GiB pages on the VM's node), or false");
    }
}
