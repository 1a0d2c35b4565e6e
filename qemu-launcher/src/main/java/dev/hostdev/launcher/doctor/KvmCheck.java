package dev.hostdev.launcher.doctor;

import java.util.List;

/** Whether {@code /dev/kvm} exists, so QEMU can use KVM rather than TCG. */
public final class KvmCheck implements HostCheck {
    static final String ID = "kvm";

    @Override
    public CheckResult run(DoctorContext context) {
        HostFiles files = context.files();
        List<String> modules = context.sysfs().list("module").stream()
                .filter(m -> m.equals("kvm") || m.startsWith("kvm_")).toList();
        String loaded = modules.isEmpty() ? "no kvm module in /sys/module" : "modules " + String.join(", ", modules);
        return files.ownership("/dev/kvm")
                .map(o -> o.charDevice()
                        ? CheckResult.ok(ID, "/dev/kvm is present (" + o.symbolic() + " "
                                + HostUser.userName(files, o.uid()) + ":" + HostUser.groupName(files, o.gid()) + "); "
                                + loaded)
                        : CheckResult.warn(ID, "/dev/kvm exists but is not a character device",
                                "remove the stray /dev/kvm and load kvm_intel or kvm_amd: modprobe kvm_intel"))
                .orElseGet(() -> CheckResult.warn(ID, "no /dev/kvm; " + loaded,
                        CpuInfo.read(files).isAmd()
                                ? "modprobe kvm_amd (needs the svm CPU flag); without KVM QEMU falls back to TCG"
                                : "modprobe kvm_intel (needs the vmx CPU flag); without KVM QEMU falls back to TCG"));
    }
}
