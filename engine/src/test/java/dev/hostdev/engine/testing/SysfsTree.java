package dev.hostdev.engine.testing;

import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.AttributeWriter;
import dev.hostdev.engine.sysfs.HostRoot;
import dev.hostdev.engine.sysfs.Sysfs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a fake host in a temporary directory whose {@code sys/} has the real kernel's layout, for
 * tests and benchmarks. The directory is a host root: pass it as {@code --root} or to
 * {@link HostRoot}; {@code lspci -O sysfs.path=ROOT/sys/bus/pci} reads it too.
 *
 * <pre>{@code
 * SysfsTree tree = SysfsTree.create(tempDir);
 * tree.pci("0000:00:1c.0").vendor(0x8086).device(0xa110).rootPort().driver("pcieport").iommuGroup(3).add();
 * tree.pci("0000:01:00.0").parent("0000:00:1c.0").vendor(0x10de).device(0x1b80).klass(0x030000)
 *     .pcie().multiFunction().driver("nouveau").iommuGroup(14).add();
 * tree.pci("0000:01:00.1").parent("0000:00:1c.0").vendor(0x10de).device(0x10f0).klass(0x040300)
 *     .pcie().driver("snd_hda_intel").iommuGroup(14).add();
 * tree.usb("1-2").vendor(0x046d).product(0xc52b).manufacturer("Logitech").productName("USB Receiver").add();
 * Sysfs sysfs = tree.sysfs();                 // reads; any write fails the test
 * Sysfs writable = tree.sysfs(simulatedKernel);
 * }</pre>
 *
 * What a PCI device gets (see {@link PciBuilder}):
 * <ul>
 *   <li>a real directory {@code sys/devices/pciDDDD:BB/…/ADDR} (under its parent bridge's directory when
 *       {@link PciBuilder#parent} is given, else under the root bus named after its own domain and bus; a
 *       parent in another domain, as Intel VMD is to the NVMe drives behind it, gets that root bus
 *       directory, {@code …/0000:00:0e.0/pci10000:00/10000:00:02.0}),
 *       and the link {@code sys/bus/pci/devices/ADDR} to it;</li>
 *   <li>{@code vendor device class revision subsystem_vendor subsystem_device} in the kernel's
 *       {@code 0x…} spelling, a {@code config} file consistent with them (capability list with the PCI
 *       Express capability, ID 0x10, when {@link PciBuilder#pcie} or a port type is chosen),
 *       {@code numa_node}, {@code driver_override} ({@code (null)}), {@code resource}, {@code irq},
 *       {@code enable}, {@code uevent}, the {@code subsystem} link;</li>
 *   <li>optionally the {@code driver} link to {@code sys/bus/pci/drivers/NAME} (created with {@code bind
 *       unbind new_id remove_id}, and its {@code ADDR} link back), the {@code iommu_group} link to
 *       {@code sys/kernel/iommu_groups/N} (whose {@code devices/ADDR} links back), {@code reset_method}
 *       and {@code reset}, link speed and width, {@code sriov_totalvfs}/{@code sriov_numvfs}, a VF's
 *       {@code physfn} and its PF's {@code virtfnN}, {@code boot_vga}.</li>
 * </ul>
 * {@code sys/bus/pci/drivers_probe}, {@code drivers_autoprobe} and {@code rescan} always exist.
 * USB devices (see {@link UsbBuilder}) appear under {@code sys/bus/usb/devices/B-P[.P…]} with their
 * bus's root hub {@code usbB} created on first use, and an interface directory {@code B-P:1.0}.
 */
public final class SysfsTree {
    private final Path root;
    private final Path sys;
    private final Map<String, Path> pciDirs = new HashMap<>();
    private final Map<String, Path> usbDirs = new HashMap<>();
    private final Map<Integer, Integer> nextDevnum = new HashMap<>();

    private SysfsTree(Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.sys = this.root.resolve("sys");
    }

    /** Creates the empty skeleton ({@code sys/bus/pci}, {@code sys/kernel/iommu_groups}, {@code sys/bus/usb}) under {@code dir}. */
    public static SysfsTree create(Path dir) {
        SysfsTree t = new SysfsTree(dir);
        t.mkdirs("bus/pci/devices");
        t.mkdirs("bus/pci/drivers");
        t.write("bus/pci/drivers_probe", "");
        t.write("bus/pci/drivers_autoprobe", "1");
        t.write("bus/pci/rescan", "");
        t.mkdirs("bus/pci/slots");
        t.mkdirs("kernel/iommu_groups");
        t.mkdirs("bus/usb/devices");
        t.mkdirs("bus/usb/drivers");
        t.mkdirs("devices");
        return t;
    }

    /**
     * A builder over a tree that already exists (for the simulated kernel, which adds the VFs a PF's
     * {@code sriov_numvfs} creates): the PCI devices already there are known by their address.
     */
    static SysfsTree over(Path dir) {
        SysfsTree t = new SysfsTree(dir);
        try (java.util.stream.Stream<Path> s = Files.list(t.sys.resolve("bus/pci/devices"))) {
            for (Path p : s.toList()) {
                t.pciDirs.put(p.getFileName().toString(), p.toRealPath());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return t;
    }

    /** The host root: what {@code --root} is given. */
    public Path root() {
        return root;
    }

    /** The host root as a {@link HostRoot}. */
    public HostRoot hostRoot() {
        return new HostRoot(root);
    }

    /** A read-only {@link Sysfs} on the tree: any write throws {@link AssertionError}. */
    public Sysfs sysfs() {
        return new Sysfs(hostRoot(), (path, value) -> {
            throw new AssertionError("unexpected sysfs write of '" + value + "' to " + path);
        });
    }

    /** A {@link Sysfs} on the tree whose writes go to {@code writer} (e.g. a simulated kernel). */
    public Sysfs sysfs(AttributeWriter writer) {
        return new Sysfs(hostRoot(), writer);
    }

    /** The path of {@code sysRelative} under the tree's {@code sys/}. */
    public Path sysPath(String sysRelative) {
        return sys.resolve(sysRelative);
    }

    /** Starts describing a PCI device at {@code address} (any spelling {@link PciAddress} accepts). */
    public PciBuilder pci(String address) {
        return new PciBuilder(this, PciAddress.parse(address));
    }

    /** Starts describing a USB device at {@code busPort}, e.g. {@code 1-2} or {@code 1-2.3}. */
    public UsbBuilder usb(String busPort) {
        return new UsbBuilder(this, busPort);
    }

    /** Creates the PCI driver directory {@code sys/bus/pci/drivers/NAME} with its control files, if absent. */
    public SysfsTree pciDriver(String name) {
        Path dir = sysPath("bus/pci/drivers/" + name);
        if (!Files.isDirectory(dir)) {
            for (String f : new String[] {"bind", "unbind", "new_id", "remove_id", "uevent"}) {
                write("bus/pci/drivers/" + name + "/" + f, "");
            }
        }
        return this;
    }

    /** Writes any host file under the root, e.g. {@code file("/proc/mounts", "...")}; creates parents. */
    public SysfsTree file(String hostPath, String content) {
        Path p = hostRoot().resolve(hostPath);
        try {
            Files.createDirectories(p.getParent());
            Files.writeString(p, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** A physical slot: {@code sys/bus/pci/slots/LABEL/address} reading {@code domainBusDevice} (e.g. {@code 0000:02:00}). */
    public SysfsTree slot(String label, String domainBusDevice) {
        write("bus/pci/slots/" + label + "/address", domainBusDevice);
        return this;
    }

    /** The real directory of a PCI device added earlier. */
    public Path pciDeviceDir(String address) {
        Path dir = pciDirs.get(PciAddress.parse(address).toString());
        if (dir == null) {
            throw new IllegalStateException("no PCI device " + address + " in this tree");
        }
        return dir;
    }

    /** The real directory of a USB device added earlier. */
    public Path usbDeviceDir(String busPort) {
        Path dir = usbDirs.get(busPort);
        if (dir == null) {
            throw new IllegalStateException("no USB device " + busPort + " in this tree");
        }
        return dir;
    }

    // ---- used by the builders ----

    void addPci(PciBuilder b) {
        String addr = b.address.toString();
        if (pciDirs.containsKey(addr)) {
            throw new IllegalStateException("PCI device " + addr + " added twice");
        }
        String rootBus = String.format("pci%04x:%02x", b.address.domain(), b.address.bus());
        Path parentDir = b.parent == null ? mkdirs("devices/" + rootBus)
                : PciAddress.parse(b.parent).domain() == b.address.domain() ? pciDeviceDir(b.parent)
                // A bridge into another domain (Intel VMD): the new domain's root bus hangs below it.
                : mkdirs(sys.relativize(pciDeviceDir(b.parent).resolve(rootBus)).toString());
        Path dir = parentDir.resolve(addr);
        pciDirs.put(addr, dir);
        String rel = sys.relativize(dir).toString();
        mkdirs(rel);
        int klass = b.classCode;
        writeAt(dir, "vendor", hex4(b.vendor));
        writeAt(dir, "device", hex4(b.device));
        writeAt(dir, "subsystem_vendor", hex4(b.subsystemVendor));
        writeAt(dir, "subsystem_device", hex4(b.subsystemDevice));
        writeAt(dir, "class", String.format("0x%06x", klass));
        writeAt(dir, "revision", String.format("0x%02x", b.revision));
        writeAt(dir, "numa_node", Integer.toString(b.numaNode));
        writeAt(dir, "driver_override", b.driverOverride == null ? "(null)" : b.driverOverride);
        writeAt(dir, "irq", "0");
        writeAt(dir, "enable", "1");
        writeAt(dir, "remove", "");
        writeAt(dir, "rescan", "");
        writeAt(dir, "resource", b.resourceText());
        writeAt(dir, "modalias", String.format("pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X", b.vendor, b.device,
                b.subsystemVendor, b.subsystemDevice, klass >> 16 & 0xff, klass >> 8 & 0xff, klass & 0xff));
        writeAt(dir, "uevent", (b.driver != null ? "DRIVER=" + b.driver + "\n" : "")
                + String.format("PCI_CLASS=%X%nPCI_ID=%04X:%04X%nPCI_SUBSYS_ID=%04X:%04X%nPCI_SLOT_NAME=%s",
                        klass, b.vendor, b.device, b.subsystemVendor, b.subsystemDevice, addr));
        int size = b.pcieType >= 0 ? 4096 : 256;
        byte[] config = ConfigSpace.build(b.vendor, b.device, klass, b.revision, b.subsystemVendor,
                b.subsystemDevice, b.multiFunction, b.pcieType, b.secondaryBus, size);
        if (b.serialNumber != null) {
            ConfigSpace.putSerialNumber(config, b.serialNumber);
        }
        if (b.configBytes != null) {
            config = java.util.Arrays.copyOf(config, b.configBytes);
        }
        bytesAt(dir, "config", config);
        if (b.nvmeSerial != null) {
            writeAt(mkdirs(rel + "/nvme/nvme0"), "serial", b.nvmeSerial);
        }
        link(dir.resolve("subsystem"), sysPath("bus/pci"));
        link(sysPath("bus/pci/devices/" + addr), dir);
        if (b.driver != null) {
            bind(addr, b.driver);
        }
        if (b.iommuGroup != null) {
            Path group = mkdirs("kernel/iommu_groups/" + b.iommuGroup + "/devices");
            writeAt(group.getParent(), "type", "DMA");
            link(group.resolve(addr), dir);
            link(dir.resolve("iommu_group"), group.getParent());
        }
        if (b.resetMethods != null) {
            writeAt(dir, "reset_method", String.join(" ", b.resetMethods));
            writeAt(dir, "reset", "");
        }
        if (b.linkSpeed != null) {
            writeAt(dir, "current_link_speed", b.linkSpeed);
            writeAt(dir, "current_link_width", Integer.toString(b.linkWidth));
            writeAt(dir, "max_link_speed", b.maxLinkSpeed != null ? b.maxLinkSpeed : b.linkSpeed);
            writeAt(dir, "max_link_width", Integer.toString(b.maxLinkSpeed != null ? b.maxLinkWidth : b.linkWidth));
        }
        if (b.sriovTotal != null) {
            writeAt(dir, "sriov_totalvfs", Integer.toString(b.sriovTotal));
            writeAt(dir, "sriov_numvfs", Integer.toString(b.sriovNum));
            writeAt(dir, "sriov_drivers_autoprobe", "1");
        }
        if (b.physfn != null) {
            Path pf = pciDeviceDir(b.physfn);
            link(dir.resolve("physfn"), pf);
            link(pf.resolve("virtfn" + b.vfIndex), dir);
        }
        if (b.bootVga != null) {
            writeAt(dir, "boot_vga", b.bootVga ? "1" : "0");
        }
    }

    /**
     * Binds {@code address} to driver {@code name} as the kernel shows it: the device's {@code driver}
     * link and the driver's link back. Creates the driver directory if needed. (No write semantics:
     * that is the simulated kernel's job.)
     */
    public SysfsTree bind(String address, String name) {
        String addr = PciAddress.parse(address).toString();
        Path dir = pciDeviceDir(addr);
        pciDriver(name);
        Path drv = sysPath("bus/pci/drivers/" + name);
        link(dir.resolve("driver"), drv);
        link(drv.resolve(addr), dir);
        return this;
    }

    void addUsb(UsbBuilder b) {
        if (usbDirs.containsKey(b.busPort)) {
            throw new IllegalStateException("USB device " + b.busPort + " added twice");
        }
        Path parent;
        String parentName = b.parentName();
        if (parentName.startsWith("usb")) {
            parent = rootHub(b.bus, b.controller);
        } else {
            parent = usbDeviceDir(parentName);
        }
        Path dir = parent.resolve(b.busPort);
        int devnum = b.devnum != null ? b.devnum : nextDevnum.merge(b.bus, 1, Integer::sum);
        writeUsbDevice(dir, b.bus, devnum, b.portPath, b.vendor, b.product, b.manufacturer, b.productName,
                b.serial, b.speed, b.deviceClass);
        usbDirs.put(b.busPort, dir);
        link(sysPath("bus/usb/devices/" + b.busPort), dir);
        usbDriver("usb");
        link(dir.resolve("driver"), sysPath("bus/usb/drivers/usb"));
        Path intf = dir.resolve(b.busPort + ":1.0");
        writeAt(intf, "bInterfaceNumber", "00");
        writeAt(intf, "bInterfaceClass", String.format("%02x", b.interfaceClass));
        link(sysPath("bus/usb/devices/" + b.busPort + ":1.0"), intf);
        if (b.interfaceDriver != null) {
            usbDriver(b.interfaceDriver);
            link(intf.resolve("driver"), sysPath("bus/usb/drivers/" + b.interfaceDriver));
        }
    }

    private Path rootHub(int bus, String controller) {
        String name = "usb" + bus;
        Path existing = usbDirs.get(name);
        if (existing != null) {
            return existing;
        }
        Path parent = controller != null ? pciDeviceDir(controller)
                : mkdirs("devices/platform/dummy_hcd." + (bus - 1));
        Path dir = parent.resolve(name);
        writeUsbDevice(dir, bus, 1, "0", 0x1d6b, 0x0002, "Linux 6.1.0-56-amd64 xhci-hcd", "xHCI Host Controller",
                "0000:00:14.0", "480", 0x09);
        nextDevnum.putIfAbsent(bus, 1);
        usbDirs.put(name, dir);
        link(sysPath("bus/usb/devices/" + name), dir);
        return dir;
    }

    private void usbDriver(String name) {
        mkdirs("bus/usb/drivers/" + name);
    }

    private void writeUsbDevice(Path dir, int bus, int devnum, String devpath, int vendor, int product,
            String manufacturer, String productName, String serial, String speed, int deviceClass) {
        writeAt(dir, "busnum", Integer.toString(bus));
        writeAt(dir, "devnum", Integer.toString(devnum));
        writeAt(dir, "devpath", devpath);
        writeAt(dir, "idVendor", String.format("%04x", vendor));
        writeAt(dir, "idProduct", String.format("%04x", product));
        writeAt(dir, "bDeviceClass", String.format("%02x", deviceClass));
        writeAt(dir, "speed", speed);
        if (manufacturer != null) {
            writeAt(dir, "manufacturer", manufacturer);
        }
        if (productName != null) {
            writeAt(dir, "product", productName);
        }
        if (serial != null) {
            writeAt(dir, "serial", serial);
        }
        writeAt(dir, "uevent", String.format("DEVTYPE=usb_device%nBUSNUM=%03d%nDEVNUM=%03d%nPRODUCT=%x/%x/0",
                bus, devnum, vendor, product));
    }

    private static String hex4(int v) {
        return String.format("0x%04x", v);
    }

    private Path mkdirs(String sysRelative) {
        Path p = sys.resolve(sysRelative);
        try {
            return Files.createDirectories(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void write(String sysRelative, String content) {
        Path p = sys.resolve(sysRelative);
        writeAt(p.getParent(), p.getFileName().toString(), content);
    }

    private static void writeAt(Path dir, String name, String content) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(name), content.isEmpty() ? "" : content + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void bytesAt(Path dir, String name, byte[] content) {
        try {
            Files.write(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A relative symbolic link, as sysfs has them (so the tree can be moved or bind-mounted). */
    private static void link(Path link, Path target) {
        try {
            Files.createDirectories(link.getParent());
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, link.getParent().relativize(target));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Describes one PCI device; {@link #add()} creates it. Defaults: vendor 0x8086, device 0x1234,
     * class 0xff0000 ("unassigned"), revision 0, subsystem = vendor/device, NUMA node
     * -1, conventional PCI, no driver, no IOMMU group, no reset method, no link, no SR-IOV.
     */
    public static final class PciBuilder {
        private final SysfsTree tree;
        private final PciAddress address;
        private int vendor = 0x8086;
        private int device = 0x1234;
        private Integer subsystemVendorSet;
        private Integer subsystemDeviceSet;
        private int subsystemVendor;
        private int subsystemDevice;
        private int classCode = 0xff0000;
        private int revision;
        private int numaNode = -1;
        private int pcieType = -1;
        private boolean multiFunction;
        private int secondaryBus;
        private String parent;
        private String driver;
        private String driverOverride;
        private Integer iommuGroup;
        private List<String> resetMethods;
        private String linkSpeed;
        private int linkWidth;
        private String maxLinkSpeed;
        private int maxLinkWidth;
        private Integer sriovTotal;
        private int sriovNum;
        private String physfn;
        private int vfIndex;
        private Boolean bootVga;
        private final List<long[]> bars = new ArrayList<>();
        private Long serialNumber;
        private Integer configBytes;
        private String nvmeSerial;

        PciBuilder(SysfsTree tree, PciAddress address) {
            this.tree = tree;
            this.address = address;
        }

        /** Vendor ID, e.g. {@code 0x8086}. */
        public PciBuilder vendor(int v) {
            vendor = v;
            return this;
        }

        /** Device ID. */
        public PciBuilder device(int d) {
            device = d;
            return this;
        }

        /** Subsystem vendor and device IDs (default: the same as vendor and device). */
        public PciBuilder subsystem(int subVendor, int subDevice) {
            subsystemVendorSet = subVendor;
            subsystemDeviceSet = subDevice;
            return this;
        }

        /** The 24-bit class code, e.g. {@code 0x020000} (Ethernet), {@code 0x030000} (VGA). */
        public PciBuilder klass(int classCode) {
            this.classCode = classCode;
            return this;
        }

        /** Revision ID. */
        public PciBuilder revision(int r) {
            revision = r;
            return this;
        }

        /** NUMA node ({@code -1}, the default, when the platform has none). */
        public PciBuilder numaNode(int n) {
            numaNode = n;
            return this;
        }

        /** A PCI Express endpoint: config space gets the PCI Express capability. */
        public PciBuilder pcie() {
            pcieType = ConfigSpace.PCIE_ENDPOINT;
            return this;
        }

        /** A PCI Express root port: class 0x060400 (PCI bridge), port type 4. */
        public PciBuilder rootPort() {
            classCode = 0x060400;
            pcieType = ConfigSpace.PCIE_ROOT_PORT;
            return this;
        }

        /** A switch's upstream (true) or downstream (false) port: class 0x060400. */
        public PciBuilder switchPort(boolean upstream) {
            classCode = 0x060400;
            pcieType = upstream ? ConfigSpace.PCIE_UPSTREAM_PORT : ConfigSpace.PCIE_DOWNSTREAM_PORT;
            return this;
        }

        /** A PCI Express to PCI bridge (QEMU's pcie-pci-bridge, vendor 1b36 device 000e): class 0x060400, type 7. */
        public PciBuilder pcieToPciBridge() {
            vendor = 0x1b36;
            device = 0x000e;
            classCode = 0x060400;
            pcieType = ConfigSpace.PCIE_TO_PCI_BRIDGE;
            return this;
        }

        /** A conventional PCI-to-PCI bridge: class 0x060400, no PCI Express capability. */
        public PciBuilder bridge() {
            classCode = 0x060400;
            return this;
        }

        /** The secondary bus number a bridge's config space reports. */
        public PciBuilder secondaryBus(int bus) {
            secondaryBus = bus;
            return this;
        }

        /** Sets the multi-function bit in the header type (function 0 of a multi-function device). */
        public PciBuilder multiFunction() {
            multiFunction = true;
            return this;
        }

        /** Places the device's directory under the bridge {@code parentAddress} (added before). */
        public PciBuilder parent(String parentAddress) {
            parent = PciAddress.parse(parentAddress).toString();
            return this;
        }

        /** Binds the device to driver {@code name}. */
        public PciBuilder driver(String name) {
            driver = name;
            return this;
        }

        /** The value {@code driver_override} reads (default {@code (null)}). */
        public PciBuilder driverOverride(String name) {
            driverOverride = name;
            return this;
        }

        /** Puts the device into IOMMU group {@code n}. */
        public PciBuilder iommuGroup(int n) {
            iommuGroup = n;
            return this;
        }

        /** Writes {@code reset_method} (e.g. {@code "flr", "bus"}) and creates {@code reset}. */
        public PciBuilder resetMethods(String... methods) {
            resetMethods = List.of(methods);
            return this;
        }

        /** Current (and, unless {@link #maxLink} is given, maximum) link speed and width, e.g. {@code "8.0 GT/s PCIe", 16}. */
        public PciBuilder link(String speed, int width) {
            linkSpeed = speed;
            linkWidth = width;
            return this;
        }

        /** Maximum link speed and width. */
        public PciBuilder maxLink(String speed, int width) {
            maxLinkSpeed = speed;
            maxLinkWidth = width;
            return this;
        }

        /** An SR-IOV physical function offering {@code total} VFs, {@code enabled} of them on. */
        public PciBuilder sriov(int total, int enabled) {
            sriovTotal = total;
            sriovNum = enabled;
            return this;
        }

        /** An SR-IOV virtual function number {@code index} of the PF at {@code pfAddress} (added before). */
        public PciBuilder virtfnOf(String pfAddress, int index) {
            physfn = PciAddress.parse(pfAddress).toString();
            vfIndex = index;
            return this;
        }

        /** Writes {@code boot_vga} (a VGA device's flag: the firmware's console). */
        public PciBuilder bootVga(boolean isBootVga) {
            bootVga = isBootVga;
            return this;
        }

        /** A memory BAR {@code index} (0–5) at {@code start} of {@code size} bytes. */
        public PciBuilder bar(int index, long start, long size) {
            bars.add(new long[] {index, start, size});
            return this;
        }

        /** A PCI Express Device Serial Number extended capability (at 0x100) holding {@code dsn}. */
        public PciBuilder serialNumber(long dsn) {
            serialNumber = dsn;
            return this;
        }

        /** Cuts {@code config} to {@code n} bytes, as the kernel does (64) for a reader without CAP_SYS_ADMIN. */
        public PciBuilder configBytes(int n) {
            configBytes = n;
            return this;
        }

        /** An NVMe controller: {@code nvme/nvme0/serial} reads {@code serial} (padded with spaces, as the kernel does). */
        public PciBuilder nvmeSerial(String serial) {
            nvmeSerial = serial;
            return this;
        }

        /** Creates the device in the tree and returns the tree for the next one. */
        public SysfsTree add() {
            subsystemVendor = subsystemVendorSet != null ? subsystemVendorSet : vendor;
            subsystemDevice = subsystemDeviceSet != null ? subsystemDeviceSet : device;
            if ((classCode >> 8) == 0x0604) {
                subsystemVendor = subsystemVendorSet != null ? subsystemVendorSet : 0;
                subsystemDevice = subsystemDeviceSet != null ? subsystemDeviceSet : 0;
            }
            tree.addPci(this);
            return tree;
        }

        String resourceText() {
            int lines = (classCode >> 8) == 0x0604 ? 17 : 13;
            long[][] rows = new long[lines][3];
            for (long[] bar : bars) {
                int i = (int) bar[0];
                rows[i] = new long[] {bar[1], bar[1] + bar[2] - 1, 0x40200};
            }
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < lines; i++) {
                if (i > 0) {
                    s.append('\n');
                }
                s.append(String.format("0x%016x 0x%016x 0x%016x", rows[i][0], rows[i][1], rows[i][2]));
            }
            return s.toString();
        }
    }

    /**
     * Describes one USB device; {@link #add()} creates it. Defaults: vendor 0x1234, product 0x5678, no
     * strings, speed 480, device class 0, interface class 3 (HID) with no driver, devnum the bus's next.
     */
    public static final class UsbBuilder {
        private final SysfsTree tree;
        private final String busPort;
        private final int bus;
        private final String portPath;
        private int vendor = 0x1234;
        private int product = 0x5678;
        private String manufacturer;
        private String productName;
        private String serial;
        private String speed = "480";
        private int deviceClass;
        private int interfaceClass = 0x03;
        private String interfaceDriver;
        private Integer devnum;
        private String controller;

        UsbBuilder(SysfsTree tree, String busPort) {
            if (!busPort.matches("[1-9][0-9]*-[1-9][0-9]*(\\.[1-9][0-9]*)*")) {
                throw new IllegalArgumentException("USB bus-port must look like 1-2 or 1-2.3: " + busPort);
            }
            this.tree = tree;
            this.busPort = busPort;
            int dash = busPort.indexOf('-');
            this.bus = Integer.parseInt(busPort.substring(0, dash));
            this.portPath = busPort.substring(dash + 1);
        }

        String parentName() {
            int dot = busPort.lastIndexOf('.');
            return dot < 0 ? "usb" + bus : busPort.substring(0, dot);
        }

        /** idVendor. */
        public UsbBuilder vendor(int v) {
            vendor = v;
            return this;
        }

        /** idProduct. */
        public UsbBuilder product(int p) {
            product = p;
            return this;
        }

        /** The {@code manufacturer} string. */
        public UsbBuilder manufacturer(String s) {
            manufacturer = s;
            return this;
        }

        /** The {@code product} string. */
        public UsbBuilder productName(String s) {
            productName = s;
            return this;
        }

        /** The {@code serial} string. */
        public UsbBuilder serial(String s) {
            serial = s;
            return this;
        }

        /** The {@code speed} in Mbit/s as the kernel writes it ("12", "480", "5000"). */
        public UsbBuilder speed(String s) {
            speed = s;
            return this;
        }

        /** A hub (bDeviceClass 09), which can have children {@code B-P.N}. */
        public UsbBuilder hub() {
            deviceClass = 0x09;
            interfaceClass = 0x09;
            interfaceDriver = "hub";
            return this;
        }

        /** The interface's class (bInterfaceClass) and the driver bound to it (or null). */
        public UsbBuilder usbInterface(int klass, String driverName) {
            interfaceClass = klass;
            interfaceDriver = driverName;
            return this;
        }

        /** The device number on its bus (default: the bus's next free one). */
        public UsbBuilder devnum(int n) {
            devnum = n;
            return this;
        }

        /** Puts the bus's root hub under the PCI host controller {@code pciAddress} (added before). */
        public UsbBuilder controller(String pciAddress) {
            controller = PciAddress.parse(pciAddress).toString();
            return this;
        }

        /** Creates the device (and its bus's root hub if new) and returns the tree. */
        public SysfsTree add() {
            tree.addUsb(this);
            return tree;
        }
    }
}
