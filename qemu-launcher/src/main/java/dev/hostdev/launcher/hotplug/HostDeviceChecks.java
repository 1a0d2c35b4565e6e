package dev.hostdev.launcher.hotplug;

import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.guard.HostGuard;
import dev.hostdev.engine.sysfs.Sysfs;
import dev.hostdev.launcher.cmdline.PreflightCheck;
import dev.hostdev.launcher.cmdline.PreflightChecker;
import dev.hostdev.launcher.cmdline.QemuCapabilities;
import dev.hostdev.launcher.spec.StartupPolicy;
import dev.hostdev.launcher.vm.VmRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@link HotplugChecks} against the host: the device read under the host root (sysfs), the claim registry
 * ({@link HostGuard#checkClaims}: Hostdev's VMs, other QEMUs, libvirt), and the VM's own QEMU binary for
 * the models it has. Hints name {@code attach}'s options.
 */
public final class HostDeviceChecks implements HotplugChecks {
    private final Sysfs sysfs;

    /** @param sysfs sysfs under the host root */
    public HostDeviceChecks(Sysfs sysfs) {
        this.sysfs = sysfs;
    }

    @Override
    public List<String> check(VmRecord vm, HotplugDevice device, String id) {
        List<String> done = new ArrayList<>();
        PreflightChecker preflight = new PreflightChecker(sysfs, PreflightChecker.Fixes.ATTACH);
        if (device instanceof HotplugDevice.Emulated e) {
            Path qemu = Path.of(vm.argv().isEmpty() ? "qemu-system-x86_64" : vm.argv().get(0));
            QemuCapabilities caps = QemuCapabilities.of(qemu);
            if (!caps.devices().contains(e.model())) {
                throw HostdevException.usage(caps.binary() + " has no device '" + e.model() + "'",
                        "see '" + caps.binary() + " -device help' for the models it has");
            }
            done.add(caps.binary() + " has the device " + e.model());
        } else if (device instanceof HotplugDevice.HostPci p) {
            PreflightCheck.PciDevice c = new PreflightCheck.PciDevice(id, p.address(), Optional.empty(), !p.managed());
            preflight.check(List.of(c)).throwIfFailed();
            done.add(c.describe());
            new HostGuard(sysfs).checkClaims(Set.of(p.address()));
            done.add("no VM, QEMU or libvirt domain holds " + p.address());
        } else if (device instanceof HotplugDevice.HostUsb u) {
            PreflightCheck.UsbDevice c = new PreflightCheck.UsbDevice(id, u.device(), StartupPolicy.MANDATORY);
            preflight.check(List.of(c)).throwIfFailed();
            done.add(c.describe());
        }
        return done;
    }
}
