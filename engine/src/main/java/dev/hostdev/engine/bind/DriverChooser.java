package dev.hostdev.engine.bind;

import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.Sysfs;
import java.util.Optional;

/**
 * Picks the VFIO driver each device goes to, as libvirt does since 10.x: the most specific {@code vfio_pci:}
 * alias of the running kernel's modules.alias for the device's {@code modalias} (a variant driver such as
 * {@code mlx5_vfio_pci}), plain vfio-pci when none is more specific. A driver named by the user overrides
 * that, but only a VFIO driver (vfio-pci, or one with a {@code vfio_pci:} alias): QEMU's {@code vfio-pci}
 * device needs one. {@code keep} leaves a device that is already on a VFIO driver where it is.
 */
public final class DriverChooser {
    /** {@code --driver} left out: the best match from modules.alias. */
    public static final String AUTO = "auto";
    /** {@code --driver keep}: a device already on a VFIO driver stays there. */
    public static final String KEEP = "keep";

    private static final java.util.regex.Pattern DRIVER = java.util.regex.Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private final Sysfs sysfs;
    private VfioModuleAliases aliases;

    public DriverChooser(Sysfs sysfs) {
        this.sysfs = sysfs;
    }

    /** The aliases, read once per chooser. */
    public VfioModuleAliases aliases() {
        if (aliases == null) {
            aliases = VfioModuleAliases.read(sysfs.root());
        }
        return aliases;
    }

    /**
     * @param requested {@link #AUTO}, {@link #KEEP} or a driver name
     * @throws HostdevException USAGE for a driver that is not a VFIO driver
     */
    public DriverChoice choose(PciAddress device, BindingState now, String requested) {
        if (requested.equals(KEEP)) {
            if (now.driver().isPresent() && isVfioDriver(now.driver().get())) {
                return new DriverChoice(now.driver().get(), "keep: already on the VFIO driver " + now.driver().get());
            }
            DriverChoice auto = best(device);
            return new DriverChoice(auto.driver(), "keep: not on a VFIO driver (" + now.driver().orElse("no driver")
                    + "), so " + auto.reason());
        }
        if (requested.equals(AUTO)) {
            return best(device);
        }
        return new DriverChoice(requireVfio(device, requested), "named by the user");
    }

    /** Whether the driver is vfio-pci or a VFIO variant driver (it has a {@code vfio_pci:} alias). */
    public boolean isVfioDriver(String driver) {
        return VfioModuleAliases.moduleName(driver).equals("vfio_pci") || aliases().isVfioModule(driver);
    }

    /** The driver's name if it is a VFIO driver, else USAGE naming what is wrong. */
    String requireVfio(PciAddress device, String requested) {
        if (VfioModuleAliases.moduleName(requested).equals("vfio_pci")) {
            return DetachOptions.VFIO_PCI;
        }
        if (aliases().isVfioModule(requested)) {
            return driverName(requested);
        }
        throw HostdevException.usage("cannot give " + device + " to " + requested + ": it is not a VFIO driver ("
                        + (aliases().read() ? "it has no vfio_pci: alias in " + aliases().source() : aliases().source()
                        + ", so only vfio-pci is known") + "), and QEMU's vfio-pci device needs one",
                "leave --driver out to pick the best VFIO driver from modules.alias, or use --driver vfio-pci");
    }

    private DriverChoice best(PciAddress device) {
        VfioModuleAliases a = aliases();
        if (!a.read()) {
            return new DriverChoice(DetachOptions.VFIO_PCI, "no variant driver known: " + a.source());
        }
        Optional<String> modalias = sysfs.read("bus/pci/devices/" + device + "/modalias").map(String::strip);
        if (modalias.isEmpty()) {
            return new DriverChoice(DetachOptions.VFIO_PCI, "no readable modalias for " + device);
        }
        Optional<VfioModuleAliases.Alias> best = a.best(modalias.get());
        if (best.isEmpty() || VfioModuleAliases.moduleName(best.get().module()).equals("vfio_pci")) {
            return new DriverChoice(DetachOptions.VFIO_PCI, "no variant driver in " + a.source() + " matches "
                    + modalias.get());
        }
        long n = a.matching(modalias.get());
        return new DriverChoice(driverName(best.get().module()), a.source() + ": " + best.get().line() + " ("
                + best.get().wildcards() + " wildcards, the most specific of " + n + " match" + (n == 1 ? "" : "es") + ")");
    }

    /**
     * The PCI driver a module registers: {@code /sys/module/M/drivers/pci:NAME} when it is loaded, else a
     * {@code /sys/bus/pci/drivers} entry equal to it up to {@code -}/{@code _}, else the module's own name
     * (nvgrace_gpu_vfio_pci registers {@code nvgrace-gpu-vfio-pci}).
     */
    String driverName(String module) {
        String m = VfioModuleAliases.moduleName(module);
        for (String link : sysfs.list("module/" + m + "/drivers")) {
            if (link.startsWith("pci:") && DRIVER.matcher(link.substring(4)).matches()) {
                return link.substring(4);
            }
        }
        for (String d : sysfs.list("bus/pci/drivers")) {
            if (VfioModuleAliases.moduleName(d).equals(m)) {
                return d;
            }
        }
        return module;
    }

    /** Whether the device is bound to a VFIO driver now. */
    boolean onVfio(BindingState s) {
        return s.driver().isPresent() && isVfioDriver(s.driver().get());
    }
}
