package dev.hostdev.engine.bind;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.sysfs.Sysfs;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads the modules a detach needs when they are not loaded yet, as {@code virsh nodedev-detach} does:
 * the stub driver (vfio-pci, pci-stub or a vfio-pci variant driver such as {@code mlx5_vfio_pci}) and, for the
 * vfio drivers, the type1 IOMMU backend QEMU opens the group through ({@code vfio_iommu_type1}, which modprobe
 * usually pulls in with vfio-pci). A driver is loaded when {@code /sys/bus/pci/drivers/NAME} exists; a module
 * when {@code /sys/module/NAME} does.
 */
public final class DriverModules {
    /** The vfio type1 IOMMU backend. */
    public static final String TYPE1 = "vfio_iommu_type1";

    private final Sysfs sysfs;
    private final ModuleLoader loader;

    /** Modules of the host under {@code sysfs}'s root, loaded by {@code loader}. */
    public DriverModules(Sysfs sysfs, ModuleLoader loader) {
        this.sysfs = sysfs;
        this.loader = loader;
    }

    /** The modules {@code driver} needs that are not loaded, in the order they would be loaded; empty if none. */
    public List<String> missing(String driver) {
        List<String> out = new ArrayList<>();
        if (driverLoaded(driver)) {
            return out;
        }
        out.add(driver);
        if (isVfio(driver) && !sysfs.isDirectory("module/" + TYPE1)) {
            out.add(TYPE1);
        }
        return out;
    }

    /**
     * What a dry run says about them: one {@code would load module NAME} per missing module.
     */
    public List<String> plan(String driver) {
        return missing(driver).stream().map(m -> "would load module " + m).toList();
    }

    /**
     * Loads what {@code driver} needs and checks the driver then shows in sysfs.
     *
     * @param progress hears {@code loading module NAME} before each load
     * @return warnings (the type1 backend failing to load is one: a kernel with iommufd does without it)
     * @throws HostdevException (environment) when the driver's module cannot be loaded or loads without the driver
     */
    public List<String> ensure(String driver, java.util.function.Consumer<String> progress) {
        List<String> warnings = new ArrayList<>();
        List<String> missing = missing(driver);
        if (missing.isEmpty()) {
            return warnings;
        }
        progress.accept("loading module " + driver);
        try {
            loader.load(driver);
        } catch (HostdevException e) {
            if (driver.equals(DetachOptions.VFIO_PCI)) {
                throw e;
            }
            // A variant driver the kernel cannot load: the generic one still does the job.
            throw new HostdevException(e.code(), e.getMessage(), (e.hint() == null ? "" : e.hint() + "; ")
                    + "or pass --driver vfio-pci to use the generic VFIO driver", e);
        }
        if (!driverLoaded(driver)) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "modprobe " + driver + " succeeded but there is still no "
                    + "/sys/bus/pci/drivers/" + driver, "check that " + driver + " is a PCI driver's name (modinfo "
                    + driver + ") and look at dmesg");
        }
        if (missing.contains(TYPE1) && !sysfs.isDirectory("module/" + TYPE1)) {
            try {
                progress.accept("loading module " + TYPE1);
                loader.load(TYPE1);
            } catch (HostdevException e) {
                warnings.add(TYPE1 + " could not be loaded (" + e.getMessage() + "): QEMU needs it, or iommufd, to use the device");
            }
        }
        return warnings;
    }

    /** The driver is registered, under its name or the same name with '-' and '_' swapped (as modules register them). */
    private boolean driverLoaded(String driver) {
        if (sysfs.isDirectory("bus/pci/drivers/" + driver)) {
            return true;
        }
        String m = driver.replace('-', '_');
        return sysfs.list("bus/pci/drivers").stream().anyMatch(d -> d.replace('-', '_').equals(m));
    }

    private static boolean isVfio(String driver) {
        return driver.replace('-', '_').endsWith("vfio_pci");
    }
}
