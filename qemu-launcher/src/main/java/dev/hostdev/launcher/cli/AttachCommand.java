package dev.hostdev.launcher.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.DeviceArguments;
import dev.hostdev.engine.pci.DeviceRef;
import dev.hostdev.launcher.hotplug.AttachResult;
import dev.hostdev.launcher.hotplug.Attacher;
import dev.hostdev.launcher.hotplug.HostDeviceChecks;
import dev.hostdev.launcher.hotplug.HotplugDevice;
import dev.hostdev.launcher.topology.SysfsPciFacts;
import dev.hostdev.launcher.vm.RunningVm;
import dev.hostdev.launcher.vm.VmDevice;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hostdev attach NAME DEV [--managed]} or {@code hostdev attach NAME --emulated MODEL}: hotplugs
 * a host PCI or USB device, or an emulated one, into a running VM, on a free root port (or a
 * pcie-pci-bridge slot for conventional PCI) at {@code addr=0x0}; with {@code --functions all}, every function of a
 * multi-function host device into one root port.
 */
@Command(name = "attach", mixinStandardHelpOptions = true, description = "Hotplug a device into a running VM (as 'virsh attach-device --live'):"
        + " a host PCI device (vfio-pci), a host USB device (usb-host) or, with --emulated, a device QEMU emulates (e1000e,"
        + " virtio-net-pci, usb-kbd, ...). It takes a free root port (a pcie-pci-bridge slot for conventional PCI) and is"
        + " confirmed in QEMU before this returns.")
public final class AttachCommand extends NamedVmCommand {
    // Not an exclusive @ArgGroup: picocli does not match a positional inside a group after NAME
    // ("Unmatched argument at index 2"), so the choice between DEV and --emulated is checked in device().
    @Parameters(index = "1", arity = "0..1", paramLabel = "DEV", description = "Host device: " + DeviceArguments.SPELLINGS + ".")
    String hostDevice;

    @Option(names = "--emulated", paramLabel = "MODEL", description = "Hotplug a device QEMU emulates instead of DEV, e.g. e1000e.")
    String model;

    @Option(names = "--managed", description = "Detach the host PCI device from its driver first; give it back after unplug.")
    boolean managed;

    @Option(names = "--id", paramLabel = "ID", description = "The device id in the VM (default: hpN).")
    String id;

    @Option(names = "--functions", paramLabel = "all", description = "With DEV at function 0 of a multi-function device (a GPU"
            + " and its audio): attach every function of it, in one root port (functions kept, multifunction=on on function 0;"
            + " ids ID-f1, ID-f2, ...), functions N..1 first and function 0 last. 'hostdev unplug' of any of them removes them all.")
    String functions;

    @Mixin
    DryRunOption dryRun;

    @Override
    public Integer call() {
        String name = target.name();
        if (functions != null && !functions.equals("all")) {
            throw HostdevException.usage("--functions takes 'all', not '" + functions + "'",
                    "attach the device's function 0 with --functions all, or leave --functions out to attach DEV alone");
        }
        PrintWriter out = out();
        VmCommandContext ctx = new VmCommandContext(common, err());
        HotplugDevice device = device();
        RunningVm vm = new RunningVm(ctx.registry().dir(name), ctx.managed(name), ctx.verbose());
        AttachResult r = new Attacher(vm, new SysfsPciFacts(common.sysfs()), new HostDeviceChecks(common.sysfs()))
                .attach(device, id, functions != null, dryRun.enabled());
        VmDevice d = r.device();
        if (json.enabled()) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.put("vm", name).put("id", d.id()).put("driver", d.driver()).put("bus", d.bus()).put("addr", d.addr())
                    .put("root_port", d.rootPort()).put("host", d.host()).put("managed", d.managed()).put("dry_run", r.dryRun());
            o.set("device_add", r.deviceAdd());
            var w = o.putArray("sysfs_writes");
            r.writes().forEach(x -> w.add(x.describe()));
            var fs = o.putArray("functions");
            r.functions().forEach(f -> {
                ObjectNode fo = fs.addObject();
                fo.put("id", f.recorded().id()).put("host", f.recorded().host()).put("addr", f.recorded().addr());
                fo.set("device_add", f.deviceAdd().arguments());
            });
            JsonLine.print(out, o);
        } else if (r.dryRun()) {
            r.plan().lines().forEach(out::println);
        } else {
            for (int i = r.functions().size() - 1; i >= 0; i--) {
                VmDevice f = r.functions().get(i).recorded();
                out.println("attached " + f.driver() + " " + f.host() + " to VM " + name + " as " + f.id() + " on root port "
                        + f.rootPort() + " (function " + f.addr().replaceAll(".*\\.0x", "") + ")");
            }
            out.println("attached " + d.driver() + (d.host() == null ? "" : " " + d.host()) + " to VM " + name + " as " + d.id()
                    + (d.rootPort() == null ? " on " + d.bus() : " on root port " + d.rootPort()
                    + (d.bus().equals(d.rootPort()) ? "" : " (" + d.bus() + " slot " + d.addr() + ")")));
        }
        out.flush();
        return 0;
    }

    private HotplugDevice device() {
        if ((hostDevice == null) == (model == null)) {
            throw HostdevException.usage(hostDevice == null ? "name the device to attach: DEV or --emulated MODEL"
                    : "give either DEV or --emulated MODEL, not both", "see 'hostdev attach --help'");
        }
        if (model != null) {
            if (managed) {
                throw HostdevException.usage("--managed is for host PCI devices, not --emulated", null);
            }
            try {
                return new HotplugDevice.Emulated(model);
            } catch (IllegalArgumentException e) {
                throw HostdevException.usage("not a QEMU device name: '" + model + "'", "see: qemu-system-x86_64 -device help");
            }
        }
        DeviceRef ref = DeviceArguments.resolve(hostDevice, common.sysfs());
        if (ref instanceof DeviceRef.Pci p) {
            return new HotplugDevice.HostPci(p.address(), managed);
        }
        if (managed) {
            throw HostdevException.usage("--managed is for host PCI devices; a USB device is not detached", null);
        }
        return new HotplugDevice.HostUsb(ref);
    }
}
