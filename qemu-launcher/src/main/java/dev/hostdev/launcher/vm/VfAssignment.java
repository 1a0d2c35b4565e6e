package dev.hostdev.launcher.vm;

import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.bind.DriverChooser;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sriov.VfChoice;
import dev.hostdev.engine.sriov.VfChooser;
import dev.hostdev.engine.sysfs.Sysfs;
import dev.hostdev.launcher.spec.HostdevSpec;
import dev.hostdev.launcher.spec.VmSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Settles what a spec leaves to the host: the VF each {@code vf_of} hostdev gets (the first free one, see
 * {@link VfChooser}; never one another VM's record holds, nor one another hostdev of this spec names), and that each
 * {@code driver = "NAME"} is a VFIO driver on this host. {@code vm start} (dry run too) and {@code vm cmdline} use it;
 * a real start holds {@link VfLocks} from here until its record names the VF.
 */
public final class VfAssignment {
    private final Sysfs sysfs;
    private final VmRegistry registry;

    /**
     * @param sysfs    sysfs under the host root
     * @param registry the VMs Hostdev knows of (their records hold VFs too)
     */
    public VfAssignment(Sysfs sysfs, VmRegistry registry) {
        this.sysfs = sysfs;
        this.registry = registry;
    }

    /** The spec with the chosen VFs, and one line per choice. */
    public record Assigned(VmSpec spec, List<String> choices) {
        /** Copies the list. */
        public Assigned {
            choices = List.copyOf(choices);
        }
    }

    /**
     * @throws HostdevException USAGE for a driver that is not a VFIO driver, or the chooser's error (no VF enabled,
     *                          none free) prefixed with the hostdev's place in the spec
     */
    public Assigned assign(VmSpec vm) {
        checkDrivers(vm);
        if (vm.hostdevs().stream().noneMatch(h -> h.vfOf().isPresent() && h.pci().isEmpty())) {
            return new Assigned(vm, List.of());
        }
        Map<PciAddress, String> reserved = heldByRecords(vm.name());
        for (HostdevSpec h : vm.hostdevs()) {
            h.pci().ifPresent(a -> reserved.put(a, "this VM's " + h.where()));
        }
        List<HostdevSpec> out = new ArrayList<>();
        List<String> choices = new ArrayList<>();
        VfChooser chooser = new VfChooser(sysfs);
        for (HostdevSpec h : vm.hostdevs()) {
            if (h.vfOf().isEmpty() || h.pci().isPresent()) {
                out.add(h);
                continue;
            }
            PciAddress pf = h.vfOf().get().pf().orElseThrow(() -> new IllegalStateException("vf_of not resolved: " + h.where()));
            VfChoice c;
            try {
                c = chooser.choose(pf, h.vfOf().get().index(), !h.managed(), reserved);
            } catch (HostdevException e) {
                throw new HostdevException(e.code(), "cannot give " + h.where() + " a VF: " + e.getMessage(), e.hint(), e);
            }
            reserved.put(c.address(), "this VM's " + h.where());
            choices.add(h.id() + ": vf_of " + pf + " -> " + c.describe());
            out.add(h.withPci(c.address()));
        }
        return new Assigned(vm.withHostdevs(out), choices);
    }

    /** Every {@code driver = "NAME"} must be a VFIO driver here, as {@code detach --driver} requires. */
    private void checkDrivers(VmSpec vm) {
        DriverChooser drivers = new DriverChooser(sysfs);
        for (HostdevSpec h : vm.pciHostdevs()) {
            String d = h.driver();
            if (d.equals(DriverChooser.AUTO) || d.equals(DriverChooser.KEEP) || drivers.isVfioDriver(d)) {
                continue;
            }
            throw HostdevException.usage(h.where() + ": driver = \"" + d + "\" is not a VFIO driver ("
                    + (drivers.aliases().read() ? "it has no vfio_pci: alias in " + drivers.aliases().source()
                    : drivers.aliases().source() + ", so only vfio-pci is known") + "), and QEMU's vfio-pci device needs one",
                    "use driver = \"auto\" (the best VFIO driver from modules.alias), \"keep\", or \"vfio-pci\"");
        }
    }

    /** Devices other VMs' records still hold although their QEMU is gone (not given back yet); running ones are claims. */
    private Map<PciAddress, String> heldByRecords(String self) {
        return UnreturnedDevices.heldBy(registry, self);
    }
}
