package dev.hostdev.launcher.doctor;

import dev.hostdev.engine.pci.PciAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether the user that will run QEMU can open each {@code /dev/vfio/N}: the nodes of the devices
 * named on the command line, or every group node present. Root always can.
 */
public final class VfioGroupAccessCheck implements HostCheck {
    static final String ID = "vfio-group-access";
    private final List<PciAddress> devices;

    /** @param devices the devices whose groups matter; empty for every group node present */
    public VfioGroupAccessCheck(List<PciAddress> devices) {
        this.devices = List.copyOf(devices);
    }

    @Override
    public CheckResult run(DoctorContext context) {
        HostFiles files = context.files();
        List<String> groups = new ArrayList<>();
        if (devices.isEmpty()) {
            files.list("/dev/vfio").stream().filter(n -> n.chars().allMatch(Character::isDigit)).forEach(groups::add);
        } else {
            for (PciAddress d : devices) {
                context.sysfs().linkName("bus/pci/devices/" + d + "/iommu_group").ifPresent(g -> {
                    if (!groups.contains(g)) {
                        groups.add(g);
                    }
                });
            }
        }
        if (groups.isEmpty()) {
            return CheckResult.notApplicable(ID, devices.isEmpty()
                    ? "no /dev/vfio/N yet: no device is bound to vfio-pci"
                    : "the devices named have no IOMMU group");
        }
        String userName = context.user().map(HostUser::name).orElse(System.getProperty("user.name", "root"));
        HostUser user = context.user().or(() -> HostUser.lookup(files, userName))
                .orElse(new HostUser(userName, userName.equals("root") ? 0 : Integer.MAX_VALUE, java.util.Set.of()));
        List<String> seen = new ArrayList<>();
        List<String> denied = new ArrayList<>();
        List<String> absent = new ArrayList<>();
        for (String g : groups) {
            String node = "/dev/vfio/" + g;
            var own = files.ownership(node);
            if (own.isEmpty()) {
                absent.add(node);
                continue;
            }
            String desc = node + " " + own.get().symbolic() + " " + HostUser.userName(files, own.get().uid()) + ":"
                    + HostUser.groupName(files, own.get().gid());
            (own.get().readWritableBy(user) ? seen : denied).add(desc);
        }
        if (!denied.isEmpty()) {
            String first = denied.get(0).split(" ")[0];
            return CheckResult.fail(ID, "user " + user.name() + " cannot open " + String.join(", ", denied),
                    "chown " + user.name() + " " + first + " (for each node), or persistently with a udev rule: "
                            + "SUBSYSTEM==\"vfio\", OWNER=\"" + user.name() + "\" in /etc/udev/rules.d/10-vfio.rules");
        }
        if (!absent.isEmpty()) {
            String found = String.join(", ", absent) + " absent (device not on vfio-pci yet)"
                    + (seen.isEmpty() ? "" : "; " + user.name() + " can open " + String.join(", ", seen));
            return CheckResult.warn(ID, found, "hostdev detach DEV (or managed = true in the VM spec) creates it");
        }
        return CheckResult.ok(ID, "user " + user.name() + " can open " + String.join(", ", seen));
    }
}
