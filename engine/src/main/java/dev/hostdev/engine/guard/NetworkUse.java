package dev.hostdev.engine.guard;

import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.Sysfs;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Finds the PCI devices of network interfaces the host uses: enslaved to a bridge or bond (a
 * {@code master} link), or up with a route ({@code /proc/net/route}, which lists the connected route of
 * every IPv4 address that has a prefix), an IPv4 address (a {@code /32} has no route; see
 * {@link Ipv4Interfaces}) or a global IPv6 address ({@code /proc/net/if_inet6}).
 * <p>
 * An interface stacked on others (a VLAN, macvlan, bond, bridge or team) counts for every PCI NIC below
 * it, found through its {@code lower_*} links and, for a VLAN without them, its {@code iflink}. A NIC whose
 * interface was moved into another network namespace ({@code /sys/bus/pci/devices/X/net} present but
 * empty: the host's sysfs hides interfaces of other namespaces) counts too, whoever moved it did so to
 * use it; the namespaces of running processes are read to say where it went.
 */
final class NetworkUse {
    private static final int IFF_UP = 0x1;
    private static final int MAX_DEPTH = 8;
    private final Sysfs sysfs;
    private final LiveFiles files;
    private final Processes processes;
    private final Set<String> withIpv4;

    /** @param withIpv4 the interfaces with an IPv4 address (known only for the machine itself) */
    NetworkUse(Sysfs sysfs, LiveFiles files, Processes processes, Set<String> withIpv4) {
        this.sysfs = sysfs;
        this.files = files;
        this.processes = processes;
        this.withIpv4 = withIpv4;
    }

    List<HostUse> scan(List<PciAddress> devices) {
        List<HostUse> uses = new ArrayList<>();
        Map<String, List<String>> reasons = reasonsByInterface();
        for (Map.Entry<String, List<String>> e : reasons.entrySet()) {
            String iface = e.getKey();
            for (Map.Entry<String, PciAddress> nic : nicsBelow(iface).entrySet()) {
                String where = nic.getKey().equals(iface) ? "interface " + iface
                        : "interface " + iface + " on top of " + nic.getKey();
                uses.add(new HostUse(nic.getValue(), HostUse.Kind.NETWORK, where + " " + String.join(", ", e.getValue())));
            }
        }
        List<PciAddress> moved = devices.stream().filter(this::interfaceMovedAway).toList();
        if (!moved.isEmpty()) {
            List<NetworkNamespaces.Namespace> namespaces = new NetworkNamespaces(files, processes).scan();
            List<String> named = new NetworkNamespaces(files, processes).named();
            for (PciAddress a : moved) {
                uses.add(new HostUse(a, HostUse.Kind.NETWORK, whereItWent(a, namespaces, named)));
            }
        }
        return uses;
    }

    /** Why each interface of the host's namespace is in use, for those that are. */
    private Map<String, List<String>> reasonsByInterface() {
        Set<String> routed = new HashSet<>();
        for (String line : files.lines("/proc/net/route").stream().skip(1).toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 0 && !f[0].isEmpty()) {
                routed.add(f[0]);
            }
        }
        Set<String> inet6 = new HashSet<>();
        for (String line : files.lines("/proc/net/if_inet6")) {
            String[] f = line.trim().split("\\s+");
            // address, ifindex, prefix length, scope, flags, name; scope 00 is global
            if (f.length >= 6 && f[3].equals("00")) {
                inet6.add(f[5]);
            }
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String iface : sysfs.list("class/net")) {
            String base = "class/net/" + iface;
            List<String> why = new ArrayList<>();
            sysfs.linkName(base + "/master").ifPresent(m -> why.add("enslaved to " + m));
            if (isUp(base)) {
                if (routed.contains(iface)) {
                    why.add("up with routes");
                } else if (withIpv4.contains(iface)) {
                    why.add("up with an IPv4 address");
                }
                if (inet6.contains(iface)) {
                    why.add("up with a global IPv6 address");
                }
            }
            if (!why.isEmpty()) {
                out.put(iface, why);
            }
        }
        return out;
    }

    /** The PCI NICs an interface is or is stacked on: interface name → device, nearest first. */
    private Map<String, PciAddress> nicsBelow(String iface) {
        Map<String, PciAddress> out = new LinkedHashMap<>();
        walkDown(iface, out, new HashSet<>(), 0);
        return out;
    }

    private void walkDown(String iface, Map<String, PciAddress> out, Set<String> seen, int depth) {
        if (depth > MAX_DEPTH || !seen.add(iface)) {
            return;
        }
        String base = "class/net/" + iface;
        sysfs.canonical(base).flatMap(PciPath::last).ifPresent(a -> out.putIfAbsent(iface, a));
        List<String> lowers = sysfs.list(base).stream().filter(n -> n.startsWith("lower_"))
                .map(n -> n.substring("lower_".length())).toList();
        for (String lower : lowers) {
            walkDown(lower, out, seen, depth + 1);
        }
        // A VLAN's iflink is its real device's index; only a VLAN's is followed, because a veth's names its
        // peer, which may live in another namespace where that index is some other interface.
        if (lowers.isEmpty() && isVlan(base)) {
            Optional<String> ifindex = sysfs.read(base + "/ifindex");
            Optional<String> iflink = sysfs.read(base + "/iflink");
            if (iflink.isPresent() && ifindex.isPresent() && !iflink.equals(ifindex)) {
                byIndex(iflink.get()).ifPresent(lower -> walkDown(lower, out, seen, depth + 1));
            }
        }
    }

    private boolean isVlan(String base) {
        return sysfs.read(base + "/uevent").map(u -> u.lines().anyMatch(l -> l.strip().equals("DEVTYPE=vlan"))).orElse(false);
    }

    private Optional<String> byIndex(String ifindex) {
        for (String iface : sysfs.list("class/net")) {
            if (sysfs.read("class/net/" + iface + "/ifindex").equals(Optional.of(ifindex))) {
                return Optional.of(iface);
            }
        }
        return Optional.empty();
    }

    /**
     * A bound NIC keeps its {@code net} directory while its interface lives in another namespace, where
     * the host's sysfs cannot see it; the directory goes when the driver lets go of the device.
     */
    private boolean interfaceMovedAway(PciAddress a) {
        String net = "bus/pci/devices/" + a + "/net";
        return sysfs.isDirectory(net) && sysfs.list(net).isEmpty();
    }

    private static String whereItWent(PciAddress a, List<NetworkNamespaces.Namespace> namespaces, List<String> named) {
        for (NetworkNamespaces.Namespace ns : namespaces) {
            for (Map.Entry<String, PciAddress> e : ns.pci().entrySet()) {
                if (e.getValue().equals(a)) {
                    List<String> why = ns.inUse().getOrDefault(e.getKey(), List.of());
                    return "interface " + e.getKey() + " moved into the network namespace " + ns.id() + " of " + ns.process()
                            + (why.isEmpty() ? "" : ", " + String.join(", ", why))
                            + (ns.ipv4().isEmpty() ? "" : "; that namespace has IPv4 " + String.join(", ", ns.ipv4()));
                }
            }
        }
        StringBuilder b = new StringBuilder("its interface was moved into another network namespace");
        List<String> active = namespaces.stream().filter(NetworkNamespaces.Namespace::hasAddresses)
                .map(NetworkNamespaces.Namespace::describe).toList();
        if (!active.isEmpty()) {
            b.append("; namespaces with addresses: ").append(String.join(" | ", active));
        } else if (!namespaces.isEmpty()) {
            b.append("; other namespaces: ").append(namespaces.stream().map(n -> n.id() + " of " + n.process())
                    .collect(Collectors.joining(", ")));
        }
        if (!named.isEmpty()) {
            b.append("; named namespaces (ip netns): ").append(String.join(", ", named));
        }
        return b.toString();
    }

    private boolean isUp(String base) {
        if (sysfs.read(base + "/operstate").map(s -> s.equals("up")).orElse(false)) {
            return true;
        }
        return sysfs.read(base + "/flags").map(f -> {
            try {
                return (Integer.decode(f) & IFF_UP) != 0;
            } catch (NumberFormatException e) {
                return false;
            }
        }).orElse(false);
    }
}
