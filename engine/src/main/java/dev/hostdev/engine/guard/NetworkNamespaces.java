package dev.hostdev.engine.guard;

import dev.hostdev.engine.pci.PciAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The network namespaces of running processes other than Hostdev's own, each read through one of its
 * processes: {@code /proc/PID/net/dev} (its interfaces), {@code net/route} (interfaces with IPv4 routes),
 * {@code net/if_inet6} (global IPv6 addresses) and {@code net/fib_trie} (its local IPv4 addresses, a
 * {@code /32} too). The host's {@code /sys/class/net} shows none of its interfaces; a process whose own
 * root has a sysfs mounted for that namespace (a container's) shows which PCI device each one is.
 */
final class NetworkNamespaces {
    /**
     * One namespace.
     *
     * @param id         e.g. {@code net:[4026532281]}
     * @param process    the process it was read through, e.g. {@code pid 77 (sleep)}
     * @param interfaces its interfaces but {@code lo}
     * @param inUse      interface → why it is in use ("with routes", "with a global IPv6 address")
     * @param ipv4       its local IPv4 addresses but loopback ones
     * @param pci        interface → PCI device, where the namespace's own sysfs shows it
     */
    record Namespace(String id, String process, List<String> interfaces, Map<String, List<String>> inUse,
                     List<String> ipv4, Map<String, PciAddress> pci) {
        /** Whether anything in it has an address or a route. */
        boolean hasAddresses() {
            return !inUse.isEmpty() || !ipv4.isEmpty();
        }

        /** e.g. {@code net:[4026532281] of pid 77 (sleep): eth1 with routes; IPv4 10.9.0.1}. */
        String describe() {
            List<String> parts = new ArrayList<>();
            inUse.forEach((name, why) -> parts.add(name + " " + String.join(", ", why)));
            if (!ipv4.isEmpty()) {
                parts.add("IPv4 " + String.join(", ", ipv4));
            }
            return id + " of " + process + (parts.isEmpty() ? "" : ": " + String.join("; ", parts));
        }
    }

    private final LiveFiles files;
    private final Processes processes;

    NetworkNamespaces(LiveFiles files, Processes processes) {
        this.files = files;
        this.processes = processes;
    }

    List<Namespace> scan() {
        List<Namespace> out = new ArrayList<>();
        processes.otherNamespaces("net").forEach((ns, pid) -> out.add(read(ns, pid)));
        return out;
    }

    /** The namespaces that {@code ip netns add} named ({@code /run/netns}): they may have no process in them. */
    List<String> named() {
        return files.names("/run/netns").stream().sorted().toList();
    }

    private Namespace read(String ns, String pid) {
        String net = "/proc/" + pid + "/net/";
        List<String> names = new ArrayList<>();
        for (String line : files.lines(net + "dev").stream().skip(2).toList()) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                String name = line.substring(0, colon).strip();
                if (!name.equals("lo")) {
                    names.add(name);
                }
            }
        }
        Map<String, List<String>> inUse = new LinkedHashMap<>();
        for (String line : files.lines(net + "route").stream().skip(1).toList()) {
            String[] f = line.strip().split("\\s+");
            if (f.length > 0 && names.contains(f[0])) {
                List<String> why = inUse.computeIfAbsent(f[0], k -> new ArrayList<>());
                if (!why.contains("with routes")) {
                    why.add("with routes");
                }
            }
        }
        for (String line : files.lines(net + "if_inet6")) {
            String[] f = line.strip().split("\\s+");
            if (f.length >= 6 && f[3].equals("00") && names.contains(f[5])) {
                List<String> why = inUse.computeIfAbsent(f[5], k -> new ArrayList<>());
                if (!why.contains("with a global IPv6 address")) {
                    why.add("with a global IPv6 address");
                }
            }
        }
        return new Namespace(ns, processes.describe(pid), List.copyOf(names), inUse, localIpv4(net + "fib_trie"),
                pciOfInterfaces(pid, names));
    }

    /** The addresses fib_trie marks {@code /32 host LOCAL}: the namespace's own, whatever their prefix. */
    private List<String> localIpv4(String fibTrie) {
        Set<String> out = new LinkedHashSet<>();
        String last = null;
        for (String line : files.lines(fibTrie)) {
            String s = line.strip();
            if (s.startsWith("|-- ")) {
                last = s.substring(4).strip();
            } else if (s.startsWith("/32 host LOCAL") && last != null && !last.startsWith("127.")) {
                out.add(last);
            }
        }
        return List.copyOf(out);
    }

    /**
     * The PCI device behind each interface, read from {@code /proc/PID/root/sys/class/net}: trusted only
     * when that directory lists exactly the namespace's interfaces, so that a process sharing the host's
     * sysfs (whose names may be the same) is never taken for the namespace's own.
     */
    private Map<String, PciAddress> pciOfInterfaces(String pid, List<String> names) {
        String classNet = "/proc/" + pid + "/root/sys/class/net";
        Set<String> shown = new HashSet<>(files.names(classNet));
        shown.remove("lo");
        shown.remove("bonding_masters");
        Map<String, PciAddress> out = new LinkedHashMap<>();
        if (shown.isEmpty() || !shown.equals(new HashSet<>(names))) {
            return out;
        }
        for (String name : names) {
            Optional<PciAddress> pci = files.link(classNet + "/" + name).flatMap(PciPath::last);
            pci.ifPresent(a -> out.put(name, a));
        }
        return out;
    }
}
