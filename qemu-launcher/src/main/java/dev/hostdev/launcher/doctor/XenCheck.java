package dev.hostdev.launcher.doctor;

/**
 * Whether this kernel runs under Xen. There, devices are given to guests by Xen itself, and a Xen
 * booted with {@code iommu=no-intremap} (a common work-around for broken firmware) leaves dom0
 * without interrupt remapping, which makes VFIO refuse devices.
 */
public final class XenCheck implements HostCheck {
    static final String ID = "xen";

    /** Whether {@code /proc/xen} exists or {@code /sys/hypervisor/type} says xen. */
    static boolean underXen(DoctorContext context) {
        return context.files().exists("/proc/xen")
                || context.sysfs().read("hypervisor/type").map(t -> t.equals("xen")).orElse(false);
    }

    @Override
    public CheckResult run(DoctorContext context) {
        if (!underXen(context)) {
            return CheckResult.notApplicable(ID, "not running under Xen (no /proc/xen, /sys/hypervisor/type is not xen)");
        }
        return CheckResult.warn(ID, "running under Xen (/proc/xen or /sys/hypervisor/type = xen): the IOMMU belongs "
                        + "to Xen, and a Xen booted with iommu=no-intremap gives dom0 no interrupt remapping",
                "check 'xl info | grep xen_commandline': if it has iommu=no-intremap, remove it from Xen's line "
                        + "(GRUB_CMDLINE_XEN_DEFAULT in /etc/default/grub), update-grub and reboot; or give the "
                        + "device to a Xen guest with 'xl pci-assignable-add' instead of VFIO");
    }
}
