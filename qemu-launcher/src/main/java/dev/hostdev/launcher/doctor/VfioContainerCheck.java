package dev.hostdev.launcher.doctor;

/** Whether {@code /dev/vfio/vfio}, the container device QEMU opens first, exists and is usable. */
public final class VfioContainerCheck implements HostCheck {
    static final String ID = "vfio-container";
    static final String NODE = "/dev/vfio/vfio";

    @Override
    public CheckResult run(DoctorContext context) {
        HostFiles files = context.files();
        return files.ownership(NODE).map(o -> {
            if (!o.charDevice()) {
                return CheckResult.fail(ID, NODE + " exists but is not a character device",
                        "remove it and reload vfio: rm " + NODE + " && modprobe -r vfio-pci && modprobe vfio-pci");
            }
            String found = NODE + " is present (" + o.symbolic() + " " + HostUser.userName(files, o.uid()) + ":"
                    + HostUser.groupName(files, o.gid()) + ")";
            if (context.user().isPresent() && !o.readWritableBy(context.user().get())) {
                return CheckResult.fail(ID, found + " but user " + context.user().get().name() + " cannot open it",
                        "chmod 0666 " + NODE + " (the kernel's default; the container grants nothing by itself)");
            }
            return CheckResult.ok(ID, found);
        }).orElseGet(() -> {
            ModuleTables.State vfio = new ModuleTables(context).state("vfio");
            String found = "no " + NODE + " (module vfio " + vfio.name().toLowerCase(java.util.Locale.ROOT) + ")";
            return switch (vfio) {
                case LOADABLE -> CheckResult.warn(ID, found, "modprobe vfio-pci creates it");
                case LOADED, BUILTIN -> CheckResult.fail(ID, found,
                        "vfio is in the kernel but the node is missing: is /dev a devtmpfs? "
                                + "mount -t devtmpfs devtmpfs /dev, or mknod " + NODE + " c 10 196");
                case MISSING -> CheckResult.fail(ID, found, "install or build the vfio modules (see vfio-modules)");
            };
        });
    }
}
