package dev.hostdev.launcher.doctor;

import java.util.List;
import java.util.Locale;

/**
 * AppArmor: a QEMU or libvirt profile in enforce mode confines a QEMU that matches it, and such a
 * profile does not allow a device's {@code /dev/vfio/N} unless it is added.
 */
public final class AppArmorCheck implements HostCheck {
    static final String ID = "apparmor";
    static final String PROFILES = "kernel/security/apparmor/profiles";

    @Override
    public CheckResult run(DoctorContext context) {
        if (!context.sysfs().exists(PROFILES)) {
            return CheckResult.notApplicable(ID, "AppArmor is not enabled (no /sys/" + PROFILES + ")");
        }
        // Lines look like "/usr/sbin/libvirtd (enforce)" or "libvirt-<uuid> (enforce)".
        List<String> enforced = context.sysfs().read(PROFILES).orElse("").lines()
                .filter(l -> l.endsWith("(enforce)"))
                .map(l -> l.substring(0, l.lastIndexOf(" (")))
                .filter(n -> {
                    String s = n.toLowerCase(Locale.ROOT);
                    return s.contains("qemu") || s.contains("libvirt") || s.contains("virt-aa-helper");
                })
                .toList();
        if (enforced.isEmpty()) {
            return CheckResult.ok(ID, "AppArmor is enabled; no QEMU or libvirt profile is in enforce mode");
        }
        return CheckResult.warn(ID, "AppArmor profiles in enforce mode that can confine QEMU: "
                        + String.join(", ", enforced),
                "a QEMU started by Hostdev under such a profile needs '/dev/vfio/* rw,' in it (e.g. in "
                        + "/etc/apparmor.d/local/abstractions/libvirt-qemu, then apparmor_parser -r the profile), "
                        + "or put the profile in complain mode: aa-complain PROFILE");
    }
}
