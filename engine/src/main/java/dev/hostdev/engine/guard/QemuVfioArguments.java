package dev.hostdev.engine.guard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hostdev.engine.json.JsonTrees;
import dev.hostdev.engine.pci.PciAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a process's arguments (as in {@code /proc/PID/cmdline}) the way QEMU would, to find the host PCI
 * devices its {@code vfio-pci} devices take: {@code -device vfio-pci,host=01:00.0,…} (with QEMU's
 * {@code ,,} escape and {@code driver=} form), JSON {@code -device {"driver":"vfio-pci","host":…}} as
 * libvirt writes it, and {@code sysfsdev=/sys/bus/pci/devices/…}.
 */
public final class QemuVfioArguments {
    private QemuVfioArguments() {
    }

    /** Splits {@code /proc/PID/cmdline} content (NUL-separated) into arguments. */
    public static List<String> arguments(byte[] cmdline) {
        List<String> args = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < cmdline.length; i++) {
            if (cmdline[i] == 0) {
                args.add(new String(cmdline, start, i - start, java.nio.charset.StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < cmdline.length) {
            args.add(new String(cmdline, start, cmdline.length - start, java.nio.charset.StandardCharsets.UTF_8));
        }
        return args;
    }

    /** The host PCI devices given to vfio-pci devices in these arguments. */
    public static Set<PciAddress> vfioHosts(List<String> args) {
        Set<PciAddress> out = new LinkedHashSet<>();
        for (int i = 0; i + 1 < args.size(); i++) {
            String opt = args.get(i);
            if (opt.equals("-device") || opt.equals("--device")) {
                deviceHost(args.get(i + 1)).ifPresent(out::add);
            }
        }
        return out;
    }

    /** The VM name from {@code -name guest=web1,…} or {@code -name web1}, if any. */
    public static Optional<String> vmName(List<String> args) {
        for (int i = 0; i + 1 < args.size(); i++) {
            if (args.get(i).equals("-name") || args.get(i).equals("--name")) {
                List<String> opts = splitOptions(args.get(i + 1));
                for (String o : opts) {
                    if (o.startsWith("guest=")) {
                        return Optional.of(o.substring(6));
                    }
                }
                return opts.isEmpty() || opts.get(0).contains("=") ? Optional.empty() : Optional.of(opts.get(0));
            }
        }
        return Optional.empty();
    }

    static Optional<PciAddress> deviceHost(String value) {
        String v = value.strip();
        if (v.startsWith("{")) {
            try {
                JsonNode node = JsonTrees.parse(v);
                if (!"vfio-pci".equals(node.path("driver").asText())) {
                    return Optional.empty();
                }
                if (node.hasNonNull("host")) {
                    return Optional.ofNullable(PciAddress.tryParse(node.get("host").asText()));
                }
                return sysfsdev(node.path("sysfsdev").asText(""));
            } catch (java.io.IOException e) {
                return Optional.empty();
            }
        }
        List<String> opts = splitOptions(v);
        if (opts.isEmpty()) {
            return Optional.empty();
        }
        boolean vfio = opts.get(0).equals("vfio-pci") || opts.contains("driver=vfio-pci");
        if (!vfio) {
            return Optional.empty();
        }
        for (String o : opts) {
            if (o.startsWith("host=")) {
                return Optional.ofNullable(PciAddress.tryParse(o.substring(5)));
            }
            if (o.startsWith("sysfsdev=")) {
                return sysfsdev(o.substring(9));
            }
        }
        return Optional.empty();
    }

    private static Optional<PciAddress> sysfsdev(String path) {
        String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return Optional.ofNullable(PciAddress.tryParse(p.substring(p.lastIndexOf('/') + 1)));
    }

    /** Splits QEMU's {@code a,b=c} option syntax, where {@code ,,} stands for a literal comma. */
    static List<String> splitOptions(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ',') {
                if (i + 1 < s.length() && s.charAt(i + 1) == ',') {
                    cur.append(',');
                    i++;
                } else {
                    out.add(cur.toString());
                    cur.setLength(0);
                }
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
