package dev.hostdev.launcher.cmdline;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.bind.DriverChooser;
import dev.hostdev.engine.pci.DeviceRef;
import dev.hostdev.engine.pci.PciDevice;
import dev.hostdev.engine.pci.PciInventory;
import dev.hostdev.engine.sysfs.Sysfs;
import dev.hostdev.engine.usb.UsbInventory;
import dev.hostdev.launcher.spec.StartupPolicy;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a plan's {@link PreflightCheck}s against the host, reading only (and asking QEMU
 * {@code -device help}): QEMU has every device, devices present with the IDs the spec pins,
 * unmanaged devices already on vfio-pci, USB devices present per their startup policy, files present. Run before anything is detached, so a missing or wrong device is an error
 * naming it, not QEMU's complaint halfway through a start.
 */
public final class PreflightChecker {
    private final PciInventory pci;
    private final UsbInventory usb;
    private final Fixes fixes;
    private final DriverChooser drivers;

    /**
     * The fixes a failed check suggests, in the words of the command that made the check: spec keys (with
     * where they are written) for a spec, options for {@code attach}.
     */
    public interface Fixes {
        /** For {@code attach}: its {@code --managed} option, and no spec key. */
        Fixes ATTACH = new Fixes() {
            @Override
            public String unmanagedNotOnVfio(PreflightCheck.PciDevice c) {
                return "detach it first with 'hostdev detach " + c.address() + "', or attach it with --managed";
            }

            @Override
            public String usbMissing(PreflightCheck.UsbDevice c) {
                return "plug it in (see 'hostdev list --usb'), then attach it again";
            }

            @Override
            public String whyRequired(PreflightCheck.UsbDevice c) {
                return "";
            }
        };

        /** The fix for an unmanaged PCI device not on vfio-pci. */
        String unmanagedNotOnVfio(PreflightCheck.PciDevice c);

        /** The fix for a required USB device that is missing. */
        String usbMissing(PreflightCheck.UsbDevice c);

        /** Why a missing USB device stops the command, e.g. {@code , and its startup policy is mandatory}; empty when nothing more to say. */
        default String whyRequired(PreflightCheck.UsbDevice c) {
            return ", and its startup policy is " + c.policy().name().toLowerCase(java.util.Locale.ROOT);
        }

        /**
         * For a spec: its keys, each with where the hostdev is written.
         *
         * @param where the hostdev's place for a person ({@code [[hostdev]] at vm.toml:12}) by its id
         */
        static Fixes spec(java.util.function.Function<String, String> where) {
            return new Fixes() {
                @Override
                public String unmanagedNotOnVfio(PreflightCheck.PciDevice c) {
                    return "detach it first with 'hostdev detach " + c.address() + "', or set managed = true in " + where.apply(c.hostdevId());
                }

                @Override
                public String usbMissing(PreflightCheck.UsbDevice c) {
                    return "plug it in (see 'hostdev list --usb'), or set startup = \"optional\" in " + where.apply(c.hostdevId())
                            + " to start without it";
                }
            };
        }
    }

    /** @param sysfs where devices are read (host paths of files are checked as QEMU will open them); hints name spec keys */
    public PreflightChecker(Sysfs sysfs) {
        this(sysfs, Fixes.spec(id -> "[[hostdev]] '" + id + "'"));
    }

    /**
     * @param sysfs where devices are read
     * @param fixes the words of the command that checks, for hints
     */
    public PreflightChecker(Sysfs sysfs, Fixes fixes) {
        this.pci = new PciInventory(sysfs);
        this.usb = new UsbInventory(sysfs);
        this.fixes = fixes;
        this.drivers = new DriverChooser(sysfs);
    }

    /** For a spec: hints name its keys and where each hostdev is written. */
    public static PreflightChecker forSpec(Sysfs sysfs, dev.hostdev.launcher.spec.VmSpec spec) {
        return new PreflightChecker(sysfs, Fixes.spec(id -> spec.hostdev(id).map(h -> h.where()).orElse("[[hostdev]] '" + id + "'")));
    }

    /** Checks every check of the plan. */
    public PreflightReport check(LaunchPlan plan) {
        return check(plan.checks());
    }

    /** Checks the given checks. */
    public PreflightReport check(List<PreflightCheck> checks) {
        List<PreflightProblem> problems = new ArrayList<>();
        Set<String> omitted = new HashSet<>();
        List<PreflightCheck> passed = new ArrayList<>();
        for (PreflightCheck c : checks) {
            try {
                if (c instanceof PreflightCheck.PciDevice p) {
                    checkPci(p);
                } else if (c instanceof PreflightCheck.UsbDevice u) {
                    if (!checkUsb(u)) {
                        omitted.add(u.hostdevId());
                        continue;
                    }
                } else if (c instanceof PreflightCheck.HostPath h) {
                    checkPath(h);
                } else if (c instanceof PreflightCheck.RomImage r) {
                    dev.hostdev.launcher.spec.RomFile.check(r.path(), r.where());
                } else if (c instanceof PreflightCheck.QemuDevices q) {
                    QemuCapabilities.of(q.binary()).require(q.drivers());
                }
                passed.add(c);
            } catch (HostdevException e) {
                problems.add(new PreflightProblem(c, e));
            }
        }
        return new PreflightReport(problems, omitted, passed);
    }

    private void checkPci(PreflightCheck.PciDevice c) {
        String who = c.address() + " (" + c.hostdevId() + ")";
        PciDevice d = pci.get(c.address()).orElseThrow(() -> HostdevException.notFound(
                "no PCI device " + who + " on this host",
                "check the address with 'hostdev list'; a hardware or firmware change can move devices"));
        if (c.expect().isPresent() && !c.expect().get().matches(d.vendorId(), d.deviceId(), d.subsystemVendorId(), d.subsystemDeviceId())) {
            String found = String.format("%04x:%04x", d.vendorId(), d.deviceId());
            if (c.expect().get().subsystemVendor().isPresent()) {
                found += String.format(":%04x:%04x", d.subsystemVendorId(), d.subsystemDeviceId());
            }
            throw HostdevException.notFound(who + " is " + found + ", not the expected " + c.expect().get()
                            + ": refusing to give the VM another device than the spec names",
                    "find the device with 'hostdev list' and fix pci (or expect) in the spec");
        }
        // a VFIO variant driver (mlx5_vfio_pci, …) serves QEMU's vfio-pci device as vfio-pci does
        if (c.mustBeOnVfio() && !d.driver().map(drivers::isVfioDriver).orElse(false)) {
            throw new HostdevException(ErrorCode.STATE, who + " is unmanaged and on " + d.driver().map(x -> "driver " + x).orElse("no driver")
                    + ", not vfio-pci or a VFIO variant driver", fixes.unmanagedNotOnVfio(c));
        }
    }

    /** True if present; false if missing and optional; throws if missing and required. */
    private boolean checkUsb(PreflightCheck.UsbDevice c) {
        try {
            if (c.device() instanceof DeviceRef.UsbPort port) {
                usb.find(port.address());
            } else if (c.device() instanceof DeviceRef.Usb id) {
                usb.find(id.id());
            }
            return true;
        } catch (HostdevException e) {
            if (e.code() == ErrorCode.NOT_FOUND && c.policy() == StartupPolicy.OPTIONAL) {
                return false;
            }
            if (e.code() == ErrorCode.NOT_FOUND) {
                throw HostdevException.notFound("USB device " + c.device() + " (" + c.hostdevId() + ") is missing" + fixes.whyRequired(c),
                        fixes.usbMissing(c));
            }
            throw e;
        }
    }

    private static void checkPath(PreflightCheck.HostPath c) {
        boolean ok = c.directory() ? Files.isDirectory(c.path()) : Files.isRegularFile(c.path()) && Files.isReadable(c.path());
        if (!ok) {
            throw HostdevException.notFound(c.what() + " " + c.path() + (c.directory() ? " is not a directory" : " does not exist or cannot be read"),
                    "fix the path in the spec (relative paths are relative to the spec file)");
        }
    }
}
