package dev.hostdev.launcher.doctor;

import dev.hostdev.engine.sysfs.Errno;

/**
 * Asks the container for its API version ({@code VFIO_GET_API_VERSION}, 0 on every kernel since
 * 3.6) and whether it offers the type1v2 IOMMU QEMU uses. Only on the real host, with read-only ioctls.
 */
public final class VfioApiCheck implements HostCheck {
    static final String ID = "vfio-api";
    /** {@code VFIO_API_VERSION} in linux/vfio.h. */
    static final int EXPECTED_API = 0;

    @Override
    public CheckResult run(DoctorContext context) {
        if (context.vfioProbe().isEmpty()) {
            return CheckResult.notApplicable(ID, "not asked: --root points at a tree, and an ioctl needs the real host");
        }
        if (!context.files().exists(VfioContainerCheck.NODE)) {
            return CheckResult.notApplicable(ID, "no " + VfioContainerCheck.NODE + " to ask (see vfio-container)");
        }
        VfioProbe.Answer answer = context.vfioProbe().get().probe(context.files().path(VfioContainerCheck.NODE));
        if (answer instanceof VfioProbe.Answer.Error e) {
            String fix = e.errno() == Errno.EACCES || e.errno() == Errno.EPERM
                    ? "run hostdev doctor as the user that will run QEMU, or as root"
                    : "reload vfio (modprobe -r vfio-pci vfio_iommu_type1 vfio && modprobe vfio-pci) and look at dmesg";
            return CheckResult.warn(ID, e.step() + " on " + VfioContainerCheck.NODE + " failed: "
                    + Errno.describe(e.errno()), fix);
        }
        VfioProbe.Answer.Version v = (VfioProbe.Answer.Version) answer;
        if (v.apiVersion() != EXPECTED_API) {
            return CheckResult.fail(ID, "VFIO_GET_API_VERSION answered " + v.apiVersion() + ", QEMU expects "
                    + EXPECTED_API, "use a kernel whose VFIO matches QEMU's (any mainline kernel since 3.6)");
        }
        if (!v.type1v2()) {
            return CheckResult.fail(ID, "VFIO API " + v.apiVersion() + " but no type1v2 IOMMU "
                    + "(VFIO_CHECK_EXTENSION(VFIO_TYPE1v2_IOMMU) = 0)", "modprobe vfio_iommu_type1");
        }
        return CheckResult.ok(ID, "VFIO API version " + v.apiVersion() + " with the type1v2 IOMMU");
    }
}
