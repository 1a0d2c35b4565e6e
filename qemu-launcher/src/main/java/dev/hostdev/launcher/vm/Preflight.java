package dev.hostdev.launcher.vm;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.DeviceRef;
import dev.hostdev.engine.pci.PciDevice;
import dev.hostdev.engine.pci.PciInventory;
import dev.hostdev.engine.sysfs.Sysfs;
import dev.hostdev.engine.usb.UsbDevice;
import dev.hostdev.engine.usb.UsbInventory;
import dev.hostdev.launcher.cmdline.PreflightCheck;
import dev.hostdev.launcher.spec.StartupPolicy;
import java.nio.file.Files;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Makes the plan's checks before anything is changed, so a missing or wrong device is a clear
 * error naming it rather than QEMU's complaint, or (usb-host by IDs) no complaint at all.
 */
public final class Preflight {
    private final Sysfs sysfs;

    /** @param sysfs the host's sysfs (read only) */
    public Preflight(Sysfs sysfs) {
        this.sysfs = sysfs;
    }

    /**
     * Runs the checks.
     *
     * @return ids of optional USB hostdevs that are missing, to leave out of the command line
     * @throws HostdevException for the first check that fails, naming the device and the fix
     */
    public Set<String> check(List<PreflightCheck> checks) {
        Set<String> omitted = new LinkedHashSet<>();
        List<UsbDevice> usb = null;
        for (PreflightCheck c : checks) {
            if (c instanceof PreflightCheck.PciDevice p) {
                checkPci(p);
            } else if (c instanceof PreflightCheck.UsbDevice u) {
                if (usb == null) {
                    usb = new UsbInventory(sysfs).all();
                }
                if (!present(usb, u.device())) {
                    if (u.policy() == StartupPolicy.OPTIONAL) {
                        omitted.add(u.hostdevId());
                    } else {
                        throw HostdevException.notFound("USB device " + u.device() + " (hostdev " + u.hostdevId()
                                        + ") is not plugged into this host; its startup policy is "
                                        + u.policy().name().toLowerCase(java.util.Locale.ROOT),
                                "plug it in ('hostdev list' shows USB devices), or set startup = \"optional\" to start without it");
                    }
                }
            } else if (c instanceof PreflightCheck.HostPath h) {
                boolean ok = h.directory() ? Files.isDirectory(h.path()) : Files.exists(h.path());
                if (!ok) {
                    throw HostdevException.notFound("the " + h.what() + " " + h.path() + (h.directory() ? " is not a directory" : " does not exist"),
                            "fix the path in the spec (relative paths are relative to the spec file)");
                }
            }
        }
        return omitted;
    }

    private void checkPci(PreflightCheck.PciDevice p) {
        PciDevice d = new PciInventory(sysfs).get(p.address()).orElseThrow(() -> HostdevException.notFound(
                "PCI device " + p.address() + " (hostdev " + p.hostdevId() + ") is not on this host",
                "check the address with 'hostdev list'; a firmware or hardware change can renumber buses"));
        if (p.expect().isPresent() && !p.expect().get().matches(d.vendorId(), d.deviceId(), d.subsystemVendorId(), d.subsystemDeviceId())) {
            throw new HostdevException(ErrorCode.NOT_FOUND, String.format(
                    "PCI device %s (hostdev %s) is %04x:%04x (subsystem %04x:%04x), but the spec expects %s: the address names another device now",
                    p.address(), p.hostdevId(), d.vendorId(), d.deviceId(), d.subsystemVendorId(), d.subsystemDeviceId(), p.expect().get()),
                    "find the device with 'hostdev list' and fix 'pci' in the spec; change 'expect' only if this is the device you mean");
        }
        if (p.mustBeOnVfio() && !d.driver().map("vfio-pci"::equals).orElse(false)) {
            throw new HostdevException(ErrorCode.STATE, "PCI device " + p.address() + " (hostdev " + p.hostdevId() + ") is on "
                    + d.driver().map(x -> "driver " + x).orElse("no driver") + ", not vfio-pci, and is not managed",
                    "detach it first ('hostdev detach " + p.address() + "') or set managed = true in the spec");
        }
    }

    private static boolean present(List<UsbDevice> devices, DeviceRef ref) {
        if (ref instanceof DeviceRef.Usb id) {
            return devices.stream().anyMatch(d -> d.id().equals(id.id()));
        }
        DeviceRef.UsbPort port = (DeviceRef.UsbPort) ref;
        return devices.stream().anyMatch(d -> d.name().equals(port.address().toString()));
    }
}
