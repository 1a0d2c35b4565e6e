package dev.hostdev.launcher.doctor;

/**
 * Whether the CPU offers hardware virtualization (vmx for Intel VT-x, svm for AMD-V) to this kernel,
 * or, without either flag, a KVM device exists all the same (a paravirtual KVM such as kvm_pvm).
 */
public final class CpuVirtualizationCheck implements HostCheck {
    static final String ID = "cpu-virtualization";

    @Override
    public CheckResult run(DoctorContext context) {
        if (!context.files().exists("/proc/cpuinfo")) {
            return CheckResult.warn(ID, "/proc/cpuinfo is not readable",
                    "mount /proc (or point --root at a tree that has proc/cpuinfo)");
        }
        CpuInfo cpu = CpuInfo.read(context.files());
        String vendor = cpu.vendor().isEmpty() ? "unknown vendor" : cpu.vendor();
        if (cpu.flags().contains("vmx")) {
            return CheckResult.ok(ID, vendor + " CPU with the vmx flag (Intel VT-x) in /proc/cpuinfo");
        }
        if (cpu.flags().contains("svm")) {
            return CheckResult.ok(ID, vendor + " CPU with the svm flag (AMD-V) in /proc/cpuinfo");
        }
        if (context.files().ownership("/dev/kvm").map(FileOwnership::charDevice).orElse(false)) {
            return CheckResult.ok(ID, vendor + " CPU without the vmx or svm flag in /proc/cpuinfo, but /dev/kvm "
                    + "exists (a KVM that needs no hardware extension, e.g. kvm_pvm): see the kvm check");
        }
        String guest = cpu.flags().contains("hypervisor")
                ? " (the hypervisor flag is set: this host is itself a VM without nested virtualization exposed)"
                : "";
        return CheckResult.warn(ID, vendor + " CPU without the vmx or svm flag in /proc/cpuinfo" + guest,
                cpu.flags().contains("hypervisor")
                        ? "expose nested virtualization to this VM on the outer hypervisor; until then QEMU runs "
                                + "guests with TCG (accel=tcg), slowly but passthrough still works"
                        : "enable Intel VT-x / AMD-V (SVM) in the firmware setup; until then QEMU runs guests "
                                + "with TCG (accel=tcg), slowly but passthrough still works");
    }
}
