package dev.hostdev.engine.guard;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.Sysfs;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Stops Hostdev from taking a device the host itself uses (its disks, active network, display, host
 * bridges) or another manager holds (a running QEMU, a libvirt domain). Everything is read from the
 * host root, so tests give it fake {@code /proc} and {@code /sys} trees.
 */
public final class HostGuard {
    private final Sysfs sysfs;
    private final LiveFiles files;
    private final Supplier<Set<String>> withIpv4;
    private final List<ClaimSource> claimSources;

    /**
     * @param sysfs sysfs under the host root; /proc, /run and /dev are read under the same root; the claim
     *              sources installed ({@link ClaimSource.Provider}) are asked for that root
     */
    public HostGuard(Sysfs sysfs) {
        this(sysfs, sysfs.root().isSystemRoot() ? Ipv4Interfaces::ofThisHost : Set::of, installedSources(sysfs));
    }

    /**
     * @param withIpv4 the interfaces with an IPv4 address: asked of the kernel for the machine itself,
     *                 which no file under another root can stand for (tests give their own)
     */
    HostGuard(Sysfs sysfs, Supplier<Set<String>> withIpv4) {
        this(sysfs, withIpv4, installedSources(sysfs));
    }

    /** @param claimSources the claim sources beyond /proc and libvirt (tests give their own) */
    HostGuard(Sysfs sysfs, Supplier<Set<String>> withIpv4, List<ClaimSource> claimSources) {
        this.sysfs = sysfs;
        this.files = new LiveFiles(sysfs.root());
        this.withIpv4 = withIpv4;
        this.claimSources = List.copyOf(claimSources);
    }

    private static List<ClaimSource> installedSources(Sysfs sysfs) {
        List<ClaimSource> out = new ArrayList<>();
        for (ClaimSource.Provider p : java.util.ServiceLoader.load(ClaimSource.Provider.class, HostGuard.class.getClassLoader())) {
            out.add(p.forRoot(sysfs.root()));
        }
        return out;
    }

    /** Every way the host uses these devices (each listed once). */
    public List<HostUse> hostUses(Collection<PciAddress> devices) {
        List<PciAddress> list = List.copyOf(devices);
        List<HostUse> all = new ArrayList<>();
        Processes processes = new Processes(files);
        all.addAll(new StorageUse(sysfs, files, processes).scan(list));
        all.addAll(new NetworkUse(sysfs, files, processes, withIpv4.get()).scan(list));
        all.addAll(new DisplayAndBridgeUse(sysfs).scan(list));
        return all.stream().filter(u -> list.contains(u.device())).distinct().toList();
    }

    /**
     * Every claim on these devices: the claim sources' first (they know more, e.g. the VM and device id to
     * unplug), then running QEMUs and libvirt domains for devices no source claimed.
     */
    public List<Claim> claims(Collection<PciAddress> devices) {
        List<Claim> all = new ArrayList<>();
        for (ClaimSource source : claimSources) {
            all.addAll(source.claims(devices).stream().filter(c -> devices.contains(c.device())).toList());
        }
        Set<PciAddress> known = all.stream().map(Claim::device).collect(Collectors.toSet());
        new ClaimScanner(files).scan(devices).stream().filter(c -> !known.contains(c.device())).forEach(all::add);
        return all.stream().distinct().toList();
    }

    /**
     * Refuses devices the host uses: all of them without {@code force}; the root disk's even with it.
     *
     * @throws HostdevException HOST_IN_USE naming each use
     */
    public void checkHostUse(Collection<PciAddress> devices, boolean force) {
        List<HostUse> uses = hostUses(devices);
        List<HostUse> blocking = uses.stream().filter(u -> !force || !u.overridable()).toList();
        if (blocking.isEmpty()) {
            return;
        }
        String what = blocking.stream().map(HostUse::describe).collect(Collectors.joining("; "));
        boolean rootDisk = blocking.stream().anyMatch(u -> u.kind() == HostUse.Kind.ROOT_DISK);
        boolean platform = blocking.stream().anyMatch(u -> u.kind() == HostUse.Kind.PLATFORM_FUNCTION);
        throw new HostdevException(ErrorCode.HOST_IN_USE, "refusing to detach: " + what,
                rootDisk ? "the root disk's controller is never detached: the host would lose its root filesystem"
                        : platform ? "the platform's interrupt controllers, IOMMUs and event collectors are never detached:"
                                + " the host needs them to run; leave this function out"
                        : "stop using it on the host first (unmount, swapoff, close what holds it open, "
                                + "ip link set down, move the interface back to the host's network namespace), or pass --force if you are sure");
    }

    /**
     * Refuses devices another manager holds.
     *
     * @throws HostdevException BUSY naming the holder
     */
    public void checkClaims(Collection<PciAddress> devices) {
        List<Claim> claims = claims(devices);
        if (claims.isEmpty()) {
            return;
        }
        List<String> fixes = claims.stream().map(Claim::fix).filter(java.util.Objects::nonNull).distinct().toList();
        throw new HostdevException(ErrorCode.BUSY,
                claims.stream().map(Claim::describe).collect(Collectors.joining("; ")),
                fixes.isEmpty() ? "stop that VM (or detach the device from it) first" : String.join("; ", fixes));
    }
}
