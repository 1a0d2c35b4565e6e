package dev.hostdev.launcher.doctor;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether interrupt remapping protects the host from a device's forged interrupts. vfio_iommu_type1
 * refuses to attach a group without it unless {@code allow_unsafe_interrupts} is set. The kernel log
 * is not reliably readable, so the evidence is: {@code IR-} interrupt chips in {@code /proc/interrupts}
 * (remapping in use), the IR bit (3) of each VT-d unit's extended capability register, and the
 * module parameter.
 */
public final class InterruptRemappingCheck implements HostCheck {
    static final String ID = "interrupt-remapping";
    static final String UNSAFE = "module/vfio_iommu_type1/parameters/allow_unsafe_interrupts";
    private static final long ECAP_IR = 1L << 3;

    @Override
    public CheckResult run(DoctorContext context) {
        List<String> units = context.sysfs().list("class/iommu");
        if (units.isEmpty()) {
            return CheckResult.notApplicable(ID, "no IOMMU, so no interrupt remapping to check (see the iommu check)");
        }
        boolean unsafeAllowed = context.sysfs().read(UNSAFE).map(v -> v.equals("Y") || v.equals("1")).orElse(false);
        boolean inUse = context.files().lines("/proc/interrupts").stream().anyMatch(l -> l.contains(" IR-"));
        List<String> capable = new ArrayList<>();
        List<String> incapable = new ArrayList<>();
        for (String unit : units) {
            Optional<String> ecap = context.sysfs().read("class/iommu/" + unit + "/intel-iommu/ecap");
            if (ecap.isEmpty()) {
                continue;
            }
            try {
                (((Long.parseUnsignedLong(ecap.get(), 16) & ECAP_IR) != 0) ? capable : incapable).add(unit);
            } catch (NumberFormatException e) {
                incapable.add(unit + " (unreadable ecap '" + ecap.get() + "')");
            }
        }
        boolean xen = XenCheck.underXen(context);
        if (inUse) {
            return CheckResult.ok(ID, "interrupt remapping is in use (IR- interrupt chips in /proc/interrupts)"
                    + (capable.isEmpty() ? "" : "; VT-d units with the IR capability: " + String.join(", ", capable)));
        }
        String hardware = !incapable.isEmpty()
                ? "VT-d units without the IR capability (ecap bit 3): " + String.join(", ", incapable)
                : !capable.isEmpty()
                        ? "VT-d units " + String.join(", ", capable) + " support it but no IR- interrupt chip is in "
                                + "/proc/interrupts (intremap=off on the command line?)"
                        : "no interrupt chip in /proc/interrupts is remapped (IR-)";
        if (unsafeAllowed) {
            return CheckResult.warn(ID, hardware + "; vfio_iommu_type1 allow_unsafe_interrupts=Y, so VFIO accepts "
                            + "devices anyway",
                    "a passed-through device can forge interrupts to the host (MSI attacks); acceptable only for "
                            + "trusted guests; enable interrupt remapping in the firmware (and drop intremap=off"
                            + (xen ? ", and iommu=no-intremap from Xen's command line" : "")
                            + ") to make it safe");
        }
        return CheckResult.fail(ID, hardware + "; vfio_iommu_type1 allow_unsafe_interrupts is not set, so "
                        + "attaching a group fails (\"No interrupt remapping support\" in dmesg)",
                (xen ? "remove iommu=no-intremap from Xen's command line (see the xen check); or " : "")
                        + "enable interrupt remapping in the firmware and remove intremap=off from the kernel "
                        + "command line; if the platform has none, accept the risk with "
                        + "'echo \"options vfio_iommu_type1 allow_unsafe_interrupts=1\" > /etc/modprobe.d/vfio.conf' "
                        + "and reload vfio_iommu_type1");
    }
}
