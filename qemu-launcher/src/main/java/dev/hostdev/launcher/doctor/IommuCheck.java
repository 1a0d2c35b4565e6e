package dev.hostdev.launcher.doctor;

import java.util.List;

/**
 * Whether an IOMMU is enabled: units in {@code /sys/class/iommu} and groups in
 * {@code /sys/kernel/iommu_groups}, read together with the kernel command line so the fix names
 * the right parameter.
 */
public final class IommuCheck implements HostCheck {
    static final String ID = "iommu";

    @Override
    public CheckResult run(DoctorContext context) {
        List<String> units = context.sysfs().list("class/iommu");
        int groups = context.sysfs().list("kernel/iommu_groups").size();
        KernelCommandLine cmdline = KernelCommandLine.read(context.files());
        boolean amd = CpuInfo.read(context.files()).isAmd();
        String params = "kernel parameters: " + cmdline.iommuParameters();
        if (!units.isEmpty() && groups > 0) {
            String found = "IOMMU " + String.join(", ", units) + " active with " + groups + " groups; " + params;
            if (!cmdline.hasOption("iommu", "pt")) {
                found += " (iommu=pt is not set: the host's own DMA is translated too; optional, "
                        + "add iommu=pt for host I/O speed)";
            }
            return CheckResult.ok(ID, found);
        }
        String why;
        if (cmdline.hasOption("intel_iommu", "off") || cmdline.hasOption("amd_iommu", "off")
                || cmdline.hasOption("iommu", "off")) {
            why = "the IOMMU is switched off on the kernel command line";
        } else if (!units.isEmpty()) {
            why = "IOMMU units " + String.join(", ", units) + " exist but /sys/kernel/iommu_groups is empty";
        } else {
            why = "no IOMMU: /sys/class/iommu is empty and /sys/kernel/iommu_groups has no groups";
        }
        String param = amd ? "amd_iommu=on iommu=pt" : "intel_iommu=on iommu=pt";
        return CheckResult.fail(ID, why + "; " + params,
                "enable " + (amd ? "AMD-Vi (IOMMU)" : "VT-d") + " in the firmware setup, add " + param
                        + " to GRUB_CMDLINE_LINUX in /etc/default/grub (removing any =off), run update-grub and "
                        + "reboot; in a VM, give it an emulated IOMMU (QEMU: -device intel-iommu,intremap=on)");
    }
}
