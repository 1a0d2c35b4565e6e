package dev.hostdev.launcher.doctor;

import java.util.ArrayList;
import java.util.List;

/** Whether vfio, vfio_pci and vfio_iommu_type1 are loaded, built in, or at least loadable. */
public final class VfioModulesCheck implements HostCheck {
    static final String ID = "vfio-modules";
    static final List<String> MODULES = List.of("vfio", "vfio_pci", "vfio_iommu_type1");

    @Override
    public CheckResult run(DoctorContext context) {
        ModuleTables modules = new ModuleTables(context);
        List<String> states = new ArrayList<>();
        List<String> loadable = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String m : MODULES) {
            ModuleTables.State s = modules.state(m);
            states.add(m + " " + s.name().toLowerCase(java.util.Locale.ROOT));
            if (s == ModuleTables.State.LOADABLE) {
                loadable.add(m);
            } else if (s == ModuleTables.State.MISSING) {
                missing.add(m);
            }
        }
        String found = String.join(", ", states) + " (kernel " + (modules.release().isEmpty() ? "?" : modules.release())
                + (modules.modulesDirPresent() ? "" : ", no /lib/modules/" + modules.release()) + ")";
        if (!missing.isEmpty()) {
            return CheckResult.fail(ID, found,
                    "install the modules of the running kernel (Debian: apt-get install linux-image-$(uname -r)) "
                            + "or boot a kernel built with CONFIG_VFIO, CONFIG_VFIO_PCI and CONFIG_VFIO_IOMMU_TYPE1");
        }
        if (!loadable.isEmpty()) {
            return CheckResult.warn(ID, found,
                    "modprobe vfio-pci (loads vfio and vfio_iommu_type1 too); to load it at boot: "
                            + "echo vfio-pci > /etc/modules-load.d/vfio.conf");
        }
        return CheckResult.ok(ID, found);
    }
}
