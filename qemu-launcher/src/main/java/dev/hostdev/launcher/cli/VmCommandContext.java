package dev.hostdev.launcher.cli;

import dev.hostdev.engine.bind.BindObserver;
import dev.hostdev.engine.bind.BindResult;
import dev.hostdev.engine.bind.DeviceBinder;
import dev.hostdev.engine.bind.SysfsWrite;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.launcher.cmdline.VmRuntimePaths;
import dev.hostdev.launcher.vm.ManagedDevices;
import dev.hostdev.launcher.vm.RunningVm;
import dev.hostdev.launcher.vm.VmRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/**
 * What the vm, attach and unplug commands share: where VMs live and how managed devices are
 * detached and given back (the engine, built only when a device is actually touched).
 */
final class VmCommandContext {
    private final CommonOptions common;
    private final PrintWriter err;

    VmCommandContext(CommonOptions common, PrintWriter err) {
        this.common = common;
        this.err = err;
    }

    /** The directory of all VMs: --run-dir or $HOSTDEV_RUN_DIR, else /run/hostdev/vms under --root. */
    Path vmsDir() {
        return common.runDir().orElseGet(() -> VmRuntimePaths.vmsDir(common.hostRoot()));
    }

    VmRegistry registry() {
        return new VmRegistry(vmsDir());
    }

    /** The handle of the VM {@code name} under {@link #vmsDir()}, its managed devices through the engine. */
    RunningVm runningVm(String name) {
        return new RunningVm(registry().dir(name), managed(name), verbose());
    }

    /** Where -v output goes, or null. */
    PrintWriter verbose() {
        return common.verbose() ? err : null;
    }

    /** Managed devices through the engine, as {@code vm NAME}; -v shows each sysfs write. */
    ManagedDevices managed(String vmName) {
        BindObserver observer = !common.verbose() ? BindObserver.SILENT : new BindObserver() {
            @Override
            public void beforeWrite(PciAddress device, SysfsWrite write) {
                err.println("sysfs " + write.describe());
                err.flush();
            }
        };
        return new ManagedDevices() {
            private DeviceBinder binder;

            private DeviceBinder binder() {
                if (binder == null) {
                    binder = new DeviceBinder(common.sysfs(), observer, "vm " + vmName);
                }
                return binder;
            }

            @Override
            public BindResult detach(List<PciAddress> devices, boolean dryRun) {
                return ManagedDevices.engine(binder()).detach(devices, dryRun);
            }

            @Override
            public BindResult detach(List<PciAddress> devices, java.util.Map<PciAddress, String> drivers, boolean dryRun) {
                return ManagedDevices.engine(binder()).detach(devices, drivers, dryRun);
            }

            @Override
            public BindResult reattach(List<PciAddress> devices, boolean dryRun) {
                return ManagedDevices.engine(binder()).reattach(devices, dryRun);
            }
        };
    }

    /** Prints the sysfs writes of a dry run, one per line. */
    static void printWrites(PrintWriter out, BindResult r) {
        for (SysfsWrite w : r.writes()) {
            out.println("  " + w.describe());
        }
    }
}
