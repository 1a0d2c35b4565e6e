package dev.hostdev.launcher.vm;

import dev.hostdev.engine.guard.Claim;
import dev.hostdev.engine.guard.ClaimSource;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.HostRoot;
import dev.hostdev.launcher.cmdline.VmRuntimePaths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The claims Hostdev's own VMs have on host PCI devices, from their records: every {@code vfio-pci} device of a
 * VM whose QEMU still runs, given at start or hotplugged. A hotplugged device is not on QEMU's command line, so
 * {@code /proc} alone does not show it; this is the source that does. Installed for the engine's
 * {@link dev.hostdev.engine.guard.HostGuard} through {@link ClaimSource.Provider}, so {@code detach},
 * {@code reattach}, {@code recover}, {@code vm start} and {@code attach} all consult it.
 */
public final class VmRecordClaims implements ClaimSource {
    private final VmRegistry registry;

    /** @param registry the VMs Hostdev knows of */
    public VmRecordClaims(VmRegistry registry) {
        this.registry = registry;
    }

    /** Finds the VMs under the host root's run directory ({@code $HOSTDEV_RUN_DIR} or {@code /run/hostdev/vms}). */
    public static final class Provider implements ClaimSource.Provider {
        @Override
        public ClaimSource forRoot(HostRoot root) {
            return new VmRecordClaims(new VmRegistry(VmRuntimePaths.vmsDir(root)));
        }
    }

    @Override
    public List<Claim> claims(Collection<PciAddress> devices) {
        List<Claim> out = new ArrayList<>();
        if (devices.isEmpty()) {
            return out;
        }
        // Records that cannot be read are another command's to report (vm list); QEMUs they stand for are
        // still found by their command line in /proc.
        List<VmRecord> records;
        try {
            records = registry.all();
        } catch (RuntimeException e) {
            return out;
        }
        for (VmRecord r : records) {
            if (!r.qemuAlive()) {
                continue;
            }
            for (VmDevice d : r.devices()) {
                Optional<PciAddress> host = pciHost(d);
                if (host.isPresent() && devices.contains(host.get())) {
                    out.add(new Claim(host.get(), "VM " + r.name() + " (Hostdev, QEMU pid " + r.qemu().pid() + ") as device " + d.id()
                            + (d.hotplugged() ? ", hotplugged" : ""),
                            d.hotplugged() ? "unplug it first: hostdev unplug " + r.name() + " " + d.id() + " (or hostdev vm stop " + r.name() + ")"
                                    : "stop the VM first: hostdev vm stop " + r.name()));
                }
            }
        }
        return out;
    }

    private static Optional<PciAddress> pciHost(VmDevice d) {
        if (d.host() == null || !"vfio-pci".equals(d.driver())) {
            return Optional.empty();
        }
        try {
            return Optional.of(PciAddress.parse(d.host()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
