package dev.hostdev.launcher.doctor;

/**
 * SELinux: when enforcing, a confined QEMU (svirt_t) may not touch a device's sysfs files unless the
 * {@code virt_use_sysfs} boolean is on.
 */
public final class SelinuxCheck implements HostCheck {
    static final String ID = "selinux";

    @Override
    public CheckResult run(DoctorContext context) {
        var enforce = context.sysfs().read("fs/selinux/enforce");
        if (enforce.isEmpty()) {
            return CheckResult.notApplicable(ID, "SELinux is not enabled (no /sys/fs/selinux/enforce)");
        }
        if (!enforce.get().equals("1")) {
            return CheckResult.ok(ID, "SELinux is permissive (/sys/fs/selinux/enforce = " + enforce.get() + ")");
        }
        // The file holds "current pending", e.g. "0 0".
        var bool = context.sysfs().read("fs/selinux/booleans/virt_use_sysfs");
        if (bool.isEmpty()) {
            return CheckResult.ok(ID, "SELinux is enforcing; the policy has no virt_use_sysfs boolean");
        }
        if (bool.get().startsWith("1")) {
            return CheckResult.ok(ID, "SELinux is enforcing and virt_use_sysfs is on");
        }
        return CheckResult.warn(ID, "SELinux is enforcing and virt_use_sysfs is off: a confined QEMU (svirt_t) "
                + "cannot use a device's sysfs files", "setsebool -P virt_use_sysfs 1");
    }
}
