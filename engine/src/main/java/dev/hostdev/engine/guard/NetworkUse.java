package dev.hostdev.engine.guard;

import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.Sysfs;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the PCI devices of network interfaces the host uses: enslaved to a bridge or bond (a
 * {@code master} link), or up with a route ({@code /proc/net/route}, which lists the connected route of
 * every IPv4 address that has a prefix), an IPv4 address (a {@code /32} has no route; see
 * {@link Ipv4Interfaces}) or a global IPv6 address ({@code /proc/net/if_inet6}).
 */
final class NetworkUse {
    private static final int IFF_UP = 0x1;
    private final Sysfs sysfs;
    private final HostFiles files;
    private final Set<String> withIpv4;

    /** @param withIpv4 the interfaces with an IPv4 address (known only for the machine itself) */
    NetworkUse(Sysfs sysfs, HostFiles files, Set<String> withIpv4) {
        this.sysfs = sysfs;
        this.files = files;
        this.withIpv4 = withIpv4;
    }

    List<HostUse> scan() {
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
        List<HostUse> uses = new ArrayList<>();
        for (String iface : sysfs.list("class/net")) {
            Optional<String> path = sysfs.canonical("class/net/" + iface);
            if (path.isEmpty()) {
                continue;
            }
            Optional<PciAddress> pci = PciPath.last(path.get());
            if (pci.isEmpty()) {
                continue;
            }
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
                uses.add(new HostUse(pci.get(), HostUse.Kind.NETWORK, "interface " + iface + " " + String.join(", ", why)));
            }
        }
        return uses;
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
