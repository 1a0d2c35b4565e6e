package dev.hostdev.launcher.lab;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The check that Hostdev sees the guest kernel's PCI devices and IOMMU groups exactly: every device
 * {@code lspci -Dn} lists, with its class, vendor:device and IOMMU group (from sysfs), and nothing
 * else, in {@code hostdev list --json} (or {@code show --json} of each); every device in the group
 * {@code /sys/kernel/iommu_groups} has it in, in {@code hostdev groups --json}. Written once, for the
 * lab's first step and the native tests.
 */
public final class PciListCheck {
    private PciListCheck() {
    }

    /** The kernel's devices as {@code ADDRESS CLASS VENDOR:DEVICE gGROUP}. */
    public static Set<String> kernelDevices(LabDevices kernel) {
        Set<String> s = new TreeSet<>();
        for (GuestPciDevice d : kernel.lspci()) {
            s.add(d.address() + " " + d.classId() + " " + d.id() + " g" + kernel.groupOf(d.address()));
        }
        return s;
    }

    /** Hostdev's devices (the {@code pci} array of {@code list --json}, or {@code show --json} objects) the same way. */
    public static Set<String> hostdevDevices(Iterable<JsonNode> devices) {
        Set<String> s = new TreeSet<>();
        for (JsonNode d : devices) {
            String cls = hex(d.path("class").asText(), 6);
            s.add(d.path("address").asText() + " " + cls.substring(0, 4) + " " + hex(d.path("vendor_id").asText(), 4) + ":"
                    + hex(d.path("device_id").asText(), 4) + " g" + (d.path("iommu_group").isNull() ? "?"
                    : d.path("iommu_group").asText()));
        }
        return s;
    }

    /** What differs between the kernel's devices and Hostdev's: empty when they agree. */
    public static List<String> deviceDifferences(LabDevices kernel, Iterable<JsonNode> hostdev) {
        return difference(kernelDevices(kernel), hostdevDevices(hostdev));
    }

    /** What differs between the kernel's IOMMU groups and {@code hostdev groups --json}: empty when they agree. */
    public static List<String> groupDifferences(LabDevices kernel, JsonNode groupsJson) {
        Set<String> listed = new TreeSet<>();
        for (JsonNode g : groupsJson.path("groups")) {
            g.path("devices").forEach(d -> listed.add(d.path("address").asText() + " g" + g.path("number").asText()));
        }
        Set<String> sys = new TreeSet<>();
        kernel.groups().forEach((a, g) -> sys.add(a + " g" + g));
        return difference(sys, listed);
    }

    private static List<String> difference(Set<String> kernel, Set<String> hostdev) {
        List<String> d = new ArrayList<>();
        kernel.stream().filter(k -> !hostdev.contains(k)).forEach(k -> d.add("missing " + k));
        hostdev.stream().filter(h -> !kernel.contains(h)).forEach(h -> d.add("extra " + h));
        return d;
    }

    /** A hex number as {@code width} digits, without {@code 0x}. */
    private static String hex(String s, int width) {
        String h = s.replaceFirst("^0x", "");
        return h.length() >= width ? h : "0".repeat(width - h.length()) + h;
    }
}
