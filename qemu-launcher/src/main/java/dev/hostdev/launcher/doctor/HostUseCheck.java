package dev.hostdev.launcher.doctor;

import dev.hostdev.engine.guard.Claim;
import dev.hostdev.engine.guard.HostGuard;
import dev.hostdev.engine.guard.HostUse;
import dev.hostdev.engine.pci.PciDevice;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Whether the host itself uses the device (disks, active network, display, host bridge) or another
 * manager holds it (a running QEMU, a libvirt domain): the engine's {@link HostGuard}, the same
 * check {@code hostdev detach} makes. The root disk fails; the rest warn, as detach refuses them
 * unless forced.
 */
public final class HostUseCheck implements DeviceCheck {
    static final String ID = "host-use";

    @Override
    public CheckResult run(DoctorContext context, PciDevice device) {
        String dev = device.address().toString();
        HostGuard guard = new HostGuard(context.sysfs());
        List<HostUse> uses = guard.hostUses(List.of(device.address()));
        List<Claim> claims = guard.claims(List.of(device.address()));
        if (uses.isEmpty() && claims.isEmpty()) {
            return CheckResult.ok(ID, "neither the host nor another manager uses it ("
                    + device.driver().map(d -> "driver " + d).orElse("no driver") + ")").forDevice(dev);
        }
        String found = Stream.concat(uses.stream().map(HostUse::describe), claims.stream().map(Claim::describe))
                .collect(Collectors.joining("; "));
        if (uses.stream().anyMatch(u -> !u.overridable())) {
            return CheckResult.fail(ID, found, "pick another device: the controller of the root filesystem can "
                    + "never be given to a VM").forDevice(dev);
        }
        String fix = claims.isEmpty()
                ? "stop using it on the host first (umount, swapoff, ip link set IFACE down, move the console); "
                        + "hostdev detach refuses it until then, unless --force"
                : "stop the VM that holds it, or detach the device from that VM, first";
        return CheckResult.warn(ID, found, fix).forDevice(dev);
    }
}
