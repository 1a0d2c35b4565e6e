package dev.hostdev.launcher.cmdline;

import dev.hostdev.engine.HostdevException;
import dev.hostdev.launcher.spec.Accel;
import dev.hostdev.launcher.spec.DeviceMemory;
import dev.hostdev.launcher.spec.GuestPlatform;
import dev.hostdev.launcher.spec.MemorySize;
import dev.hostdev.launcher.spec.DeviceBus;
import dev.hostdev.launcher.spec.DeviceModels;
import dev.hostdev.launcher.spec.DiskSpec;
import dev.hostdev.launcher.spec.EmulatedDeviceSpec;
import dev.hostdev.launcher.spec.HostdevSpec;
import dev.hostdev.launcher.spec.Iommu;
import dev.hostdev.launcher.spec.SerialSpec;
import dev.hostdev.launcher.spec.ShareSpec;
import dev.hostdev.launcher.spec.VmSpec;
import dev.hostdev.launcher.topology.AddressSpacePlan;
import dev.hostdev.launcher.topology.AddressSpacePlanner;
import dev.hostdev.launcher.topology.GuestPhysBits;
import dev.hostdev.launcher.topology.AllFunctions;
import dev.hostdev.launcher.topology.PciFacts;
import dev.hostdev.launcher.topology.Placement;
import dev.hostdev.launcher.topology.Q35Planner;
import dev.hostdev.launcher.topology.Q35Topology;
import dev.hostdev.launcher.topology.RootPortPlan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Turns a spec into a {@link LaunchPlan}: plans the topology ({@link Q35Planner}), builds the
 * typed devices on it and the command line around them, and lists the managed devices and the
 * checks. Reads nothing but what {@link PciFacts} answers; runs nothing.
 */
public final class LaunchPlanner {
    /** The QEMU binary used when the spec names none (looked up on PATH when run). */
    public static final String DEFAULT_EMULATOR = "qemu-system-x86_64";
    /** The id of the emulated IOMMU. */
    public static final String IOMMU_ID = "iommu";

    private LaunchPlanner() {
    }

    /** Plans a launch. */
    public static LaunchPlan plan(VmSpec spec, PciFacts facts, LaunchOptions options) {
        List<String> notes = new ArrayList<>();
        spec = AllFunctions.expand(spec, facts, notes);
        Q35Topology topology = Q35Planner.plan(spec, facts, notes);
        Accel accel = spec.accel() == Accel.AUTO ? (options.kvmUsable() ? Accel.KVM : Accel.TCG) : spec.accel();
        if (spec.accel() == Accel.AUTO && accel == Accel.TCG) {
            notes.add("accel auto: no usable /dev/kvm with hardware virtualization (vmx/svm) here, so QEMU emulates the CPU (tcg)");
        }
        VmRuntimePaths paths = VmRuntimePaths.of(options.vmsDir(), spec.name());

        List<QemuDevice> devices = new ArrayList<>();
        List<BlockDrive> drives = new ArrayList<>();
        List<Fsdev> fsdevs = new ArrayList<>();
        if (spec.iommu() == Iommu.INTEL) {
            devices.add(new IntelIommu(IOMMU_ID, spec.cpus() > IntelIommu.MAX_CPUS_WITHOUT_EIM));
        }
        for (RootPortPlan p : topology.rootPorts()) {
            devices.add(PcieRootPort.of(p));
        }
        topology.bridge().ifPresent(b -> devices.add(new PciePciBridge(b.id(), Placement.onRootPort(b.rootPort()))));

        int bootIndex = 1;
        for (DiskSpec d : spec.disks()) {
            String drive = "drive-" + d.id();
            drives.add(new BlockDrive(drive, d.path(), d.format(), d.readonly()));
            Map<String, Object> props = new LinkedHashMap<>();
            props.put("drive", drive);
            if (spec.kernel().isEmpty()) {
                props.put("bootindex", bootIndex++);
            }
            devices.add(pciDevice("virtio-blk-pci", d.id(), topology, props));
        }
        for (ShareSpec s : spec.shares()) {
            fsdevs.add(new Fsdev(s.id(), s.path(), s.readonly()));
            Map<String, Object> props = new LinkedHashMap<>();
            props.put("fsdev", s.id());
            props.put("mount_tag", s.tag());
            devices.add(pciDevice("virtio-9p-pci", s.id(), topology, props));
        }

        List<ManagedDevice> managed = new ArrayList<>();
        List<PreflightCheck> checks = new ArrayList<>();
        for (HostdevSpec h : spec.pciHostdevs()) {
            devices.add(new VfioPci(h.id(), h.pci().orElseThrow(), placement(topology, h.id()), h.gpu()));
            h.gpu().romfile().ifPresent(f -> checks.add(new PreflightCheck.RomImage(h.id(), f, h.where())));
            if (h.managed()) {
                managed.add(new ManagedDevice(h.id(), h.pci().orElseThrow()));
            }
            checks.add(new PreflightCheck.PciDevice(h.id(), h.pci().orElseThrow(), h.expect(), !h.managed()));
        }
        String xhciId = Q35Planner.XHCI_ID;
        boolean explicitXhci = false;
        Map<EmulatedDeviceSpec, Map<String, Object>> usbDevices = new LinkedHashMap<>();
        List<MemoryBackend> backends = new ArrayList<>();
        // Bus-less devices first: the devices that name them (nvme's subsys=ID) must find them on the command line.
        for (EmulatedDeviceSpec d : spec.devices()) {
            if (d.bus() == DeviceBus.NONE) {
                devices.add(new BuslessDevice(d.model(), d.id(), d.props()));
            }
        }
        for (EmulatedDeviceSpec d : spec.devices()) {
            if (d.bus() == DeviceBus.NONE) {
                continue;
            }
            Map<String, Object> props = new LinkedHashMap<>(d.props());
            d.memory().ifPresent(size -> {
                String backend = DeviceMemory.backendId(d.id());
                backends.add(new MemoryBackend(backend, size));
                props.put("memdev", backend);
            });
            d.drive().ifPresent(file -> {
                String drive = "drive-" + d.id();
                drives.add(new BlockDrive(drive, file, "raw", false));
                props.put("drive", drive);
                checks.add(new PreflightCheck.HostPath(d.id() + " drive", file, false));
            });
            if (d.model().equals("nvme") && !props.containsKey("serial")) {
                props.put("serial", d.id());
            }
            if (d.bus() == DeviceBus.XHCI) {
                usbDevices.put(d, props);
            } else {
                devices.add(pciDevice(d.model(), d.id(), topology, props));
                if (d.model().equals(DeviceModels.XHCI) && !explicitXhci) {
                    explicitXhci = true;
                    xhciId = d.id();
                }
            }
        }
        if (!explicitXhci && topology.placementOf(Q35Planner.XHCI_ID).isPresent()) {
            devices.add(new QemuXhci(Q35Planner.XHCI_ID, placement(topology, Q35Planner.XHCI_ID)));
        }
        String usbBus = xhciId + ".0";
        for (HostdevSpec h : spec.usbHostdevs()) {
            checks.add(new PreflightCheck.UsbDevice(h.id(), h.usb().orElseThrow(), h.startup()));
            if (options.omitted().contains(h.id())) {
                notes.add("USB " + h.source() + " (" + h.id() + ") left out: missing at start and optional");
            } else {
                devices.add(new UsbHost(h.id(), usbBus, h.usb().orElseThrow()));
            }
        }
        usbDevices.forEach((d, props) -> devices.add(new EmulatedDevice(d.model(), d.id(), usbBus, Optional.empty(), props)));

        spec.kernel().ifPresent(k -> {
            checks.add(new PreflightCheck.HostPath("kernel", k.kernel(), false));
            k.initrd().ifPresent(i -> checks.add(new PreflightCheck.HostPath("initrd", i, false)));
        });
        for (DiskSpec d : spec.disks()) {
            checks.add(new PreflightCheck.HostPath(d.id(), d.path(), false));
        }
        for (ShareSpec s : spec.shares()) {
            checks.add(new PreflightCheck.HostPath("share " + s.tag(), s.path(), true));
        }
        if (spec.serial() instanceof SerialSpec.ToFile f && f.path().getParent() != null) {
            checks.add(new PreflightCheck.HostPath("serial log directory", f.path().getParent(), true));
        }

        AddressSpacePlan addressSpace = AddressSpacePlanner.plan(spec, topology, facts, physBits(spec, accel, options));
        // phys_bits can raise the width under TCG, and under KVM up to the host's own
        boolean tunable = accel == Accel.TCG || (options.hostPhysBits().isPresent()
                && addressSpace.physBits().bits().getAsInt() < options.hostPhysBits().getAsInt());
        AddressSpacePlanner.check(spec.name(), addressSpace, tunable);
        spec.platform().firmwareFile().ifPresent(f -> checks.add(new PreflightCheck.HostPath("firmware", f, false)));
        PlatformArgs platform = new PlatformArgs(cpuOptions(spec, accel, addressSpace), spec.platform().firmwareFile(),
                addressSpace.explicit() ? Optional.of(new MemorySize(addressSpace.holeSize())) : Optional.empty(),
                addressSpace.explicit() && spec.platform().firmware() == GuestPlatform.Firmware.OVMF
                        ? Optional.of(addressSpace.holeMebibytes()) : Optional.empty(), backends);

        Path binary = spec.emulator().orElse(Path.of(DEFAULT_EMULATOR));
        checks.add(new PreflightCheck.QemuDevices(binary,
                devices.stream().map(QemuDevice::driver).collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new))));
        QemuCommandLine cmdline = new QemuCommandLine(binary, spec.name(), spec.iommu() == Iommu.INTEL, accel,
                spec.memory(), spec.cpus(), spec.serial(), paths, options.startPaused(), spec.kernel(), drives, fsdevs, devices, platform);
        return new LaunchPlan(spec, cmdline.argv(), accel, topology, devices, managed, checks, notes, paths, addressSpace);
    }

    /**
     * The guest's physical address width: the spec's {@code phys_bits}; else under KVM the host's ({@code -cpu host}
     * has host-phys-bits on), under TCG QEMU's 40.
     *
     * @throws HostdevException usage for a phys_bits above the host's under KVM
     */
    static GuestPhysBits physBits(VmSpec spec, Accel accel, LaunchOptions options) {
        OptionalInt asked = spec.platform().physBits();
        if (accel == Accel.KVM) {
            if (asked.isPresent() && options.hostPhysBits().isPresent() && asked.getAsInt() > options.hostPhysBits().getAsInt()) {
                throw HostdevException.usage("phys_bits = " + asked.getAsInt() + " is more than this host's CPU has ("
                        + options.hostPhysBits().getAsInt() + " bits physical in /proc/cpuinfo): a KVM guest cannot address more",
                        "remove phys_bits (the guest then gets the host's width) or lower it");
            }
            return asked.isPresent() ? new GuestPhysBits(asked, "phys_bits in the spec")
                    : new GuestPhysBits(options.hostPhysBits(), options.hostPhysBits().isPresent()
                    ? "the host's width under KVM (host-phys-bits; /proc/cpuinfo address sizes)" : "the host's, unknown (no address sizes in /proc/cpuinfo)");
        }
        return asked.isPresent() ? new GuestPhysBits(asked, "phys_bits in the spec")
                : new GuestPhysBits(OptionalInt.of(GuestPhysBits.TCG_DEFAULT), "QEMU's TCG default");
    }

    /** CPU options for the address width: only when the spec asks for one, or the plan sizes the hole (KVM: say host-phys-bits). */
    private static Optional<String> cpuOptions(VmSpec spec, Accel accel, AddressSpacePlan plan) {
        OptionalInt asked = spec.platform().physBits();
        if (asked.isPresent()) {
            return Optional.of((accel == Accel.KVM ? "host-phys-bits=off," : "") + "phys-bits=" + asked.getAsInt());
        }
        return accel == Accel.KVM && plan.explicit() ? Optional.of("host-phys-bits=on") : Optional.empty();
    }

    private static EmulatedDevice pciDevice(String model, String id, Q35Topology topology, Map<String, Object> props) {
        Placement p = placement(topology, id);
        if (p.multifunction()) {
            props = new LinkedHashMap<>(props);
            props.put("multifunction", true);
        }
        return new EmulatedDevice(model, id, p.bus(), Optional.of(p.addr()), props);
    }

    private static Placement placement(Q35Topology topology, String id) {
        return topology.placementOf(id).orElseThrow(() -> new IllegalStateException("no placement for " + id));
    }
}
