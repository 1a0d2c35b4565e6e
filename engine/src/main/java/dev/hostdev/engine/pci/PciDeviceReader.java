package dev.hostdev.engine.pci;

import dev.hostdev.engine.sysfs.Sysfs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** Reads one PCI function's attributes from {@code /sys/bus/pci/devices/ADDR}. */
final class PciDeviceReader {
    private static final int CAP_ID_PCIE = 0x10;
    private static final int CONFIG_HEADER = 64;

    private PciDeviceReader() {
    }

    /** A buffer per thread for {@link #readSummary}: a listing reads tens of thousands of attributes. */
    private static final ThreadLocal<byte[]> BUFFER = new ThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[CONFIG_HEADER];
        }
    };

    /**
     * The list facts, or {@code null} if the device vanished while being read. Reads as little as lspci
     * reads to list: IDs and revision from the first bytes of {@code config} (falling back to the
     * {@code vendor}, {@code device} and {@code revision} attributes when config space reads as
     * 0xffff, as an SR-IOV VF's does, or is unreadable), the class from {@code class} (the kernel's
     * quirks may correct it there), the NUMA node when asked, and the {@code driver} and {@code
     * iommu_group} links.
     */
    static PciSummary readSummary(Sysfs sysfs, PciAddress address, boolean withNumaNode) {
        Sysfs.AttributeDirectory dir = sysfs.directory("bus/pci/devices/" + address);
        byte[] b = BUFFER.get();
        int n = dir.readInto("config", b, 12);
        int vendor = n >= 12 ? (b[0] & 0xff) | (b[1] & 0xff) << 8 : 0xffff;
        int device;
        int revision;
        if (vendor != 0xffff) {
            device = (b[2] & 0xff) | (b[3] & 0xff) << 8;
            revision = b[8] & 0xff;
        } else {
            vendor = hex(dir.readInto("vendor", b, b.length), b);
            device = hex(dir.readInto("device", b, b.length), b);
            if (vendor < 0 || device < 0 || vendor > 0xffff || device > 0xffff) {
                return null; // the slow read says what is wrong (PciEntryDiagnosis)
            }
            int r = dir.readInto("revision", b, b.length);
            revision = r < 0 ? 0 : hex(r, b);
            if (revision < 0 || revision > 0xff) {
                return null;
            }
        }
        int klass = hex(dir.readInto("class", b, b.length), b);
        if (klass < 0 || klass > 0xffffff) {
            return null;
        }
        OptionalInt numa = OptionalInt.empty();
        if (withNumaNode) {
            int node = decimal(dir.readInto("numa_node", b, b.length), b);
            numa = OptionalInt.of(node == Integer.MIN_VALUE ? -1 : node);
        }
        Optional<String> group = dir.linkName("iommu_group");
        return new PciSummary(address, vendor, device, klass, revision, dir.linkName("driver"),
                groupNumber(group), numa);
    }

    /**
     * The {@code n} bytes of a {@code 0x…} attribute parsed, or -1 when they are not 1 to 7 hex digits
     * followed only by white space (so garbage is never taken for an ID).
     */
    private static int hex(int n, byte[] b) {
        int i = 0;
        if (n >= 2 && b[0] == '0' && (b[1] == 'x' || b[1] == 'X')) {
            i = 2;
        }
        int v = 0;
        int digits = 0;
        for (; i < n; i++, digits++) {
            int c = b[i];
            int x = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (x < 0) {
                break;
            }
            if (digits == 7) {
                return -1;
            }
            v = v << 4 | x;
        }
        for (int j = i; j < n; j++) {
            if (b[j] != '\n' && b[j] != ' ' && b[j] != '\t' && b[j] != '\r') {
                return -1;
            }
        }
        return digits == 0 ? -1 : v;
    }

    /** The {@code n} bytes of a decimal attribute (may be negative) parsed, or {@code Integer.MIN_VALUE}. */
    private static int decimal(int n, byte[] b) {
        int i = 0;
        boolean negative = n > 0 && b[0] == '-';
        if (negative) {
            i = 1;
        }
        int v = 0;
        int digits = 0;
        for (; i < n && b[i] >= '0' && b[i] <= '9' && digits < 9; i++, digits++) {
            v = v * 10 + (b[i] - '0');
        }
        return digits == 0 ? Integer.MIN_VALUE : negative ? -v : v;
    }

    /** The list facts read from the {@code vendor}, {@code device}, {@code class} and {@code revision} attributes. */
    static PciSummary readSummaryFromAttributes(Sysfs sysfs, PciAddress address) {
        String dir = dir(address);
        OptionalInt vendor = hex(sysfs, dir + "vendor");
        OptionalInt device = hex(sysfs, dir + "device");
        OptionalInt klass = hex(sysfs, dir + "class");
        if (vendor.isEmpty() || device.isEmpty() || klass.isEmpty() || vendor.getAsInt() > 0xffff
                || device.getAsInt() > 0xffff || klass.getAsInt() > 0xffffff) {
            return null;
        }
        int revision = hex(sysfs, dir + "revision").orElse(0);
        if (revision > 0xff) {
            return null;
        }
        return new PciSummary(address, vendor.getAsInt(), device.getAsInt(), klass.getAsInt(), revision, sysfs.linkName(dir + "driver"),
                group(sysfs, dir), OptionalInt.of(numaNode(sysfs, dir)));
    }

    /** Everything, or {@code null} if the device is absent. */
    static PciDevice read(Sysfs sysfs, PciAddress address) {
        String dir = dir(address);
        PciSummary s = readSummaryFromAttributes(sysfs, address);
        Optional<String> real = sysfs.canonical(dir);
        if (s == null || real.isEmpty()) {
            return null;
        }
        String path = real.get();
        byte[] config = sysfs.readBytes(dir + "config", 4096).orElse(new byte[0]);
        OptionalInt pcieType = pcieType(config);
        boolean pcie = pcieType.isPresent() || sysfs.exists(dir + "max_link_speed");
        return new PciDevice(address, path, parent(path), s.vendorId(), s.deviceId(),
                hex(sysfs, dir + "subsystem_vendor").orElse(0), hex(sysfs, dir + "subsystem_device").orElse(0),
                s.classCode(), s.revision(), s.driver(), driverOverride(sysfs, dir), s.iommuGroup(),
                s.numaNode().orElse(-1),
                pcie, pcieType, link(sysfs, dir), resetMethods(sysfs, dir), sriov(sysfs, dir),
                sysfs.linkName(dir + "physfn").map(PciAddress::tryParse),
                sysfs.read(dir + "boot_vga").map("1"::equals).orElse(false));
    }

    private static String dir(PciAddress address) {
        return "bus/pci/devices/" + address + "/";
    }

    private static OptionalInt hex(Sysfs sysfs, String attribute) {
        Optional<String> text = sysfs.read(attribute);
        if (text.isEmpty()) {
            return OptionalInt.empty();
        }
        String t = text.get();
        if (t.startsWith("0x") || t.startsWith("0X")) {
            t = t.substring(2);
        }
        try {
            int v = Integer.parseUnsignedInt(t, 16);
            return v < 0 ? OptionalInt.empty() : OptionalInt.of(v);
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    private static OptionalInt decimal(Sysfs sysfs, String attribute) {
        Optional<String> text = sysfs.read(attribute);
        try {
            return text.isEmpty() ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(text.get()));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    private static OptionalInt group(Sysfs sysfs, String dir) {
        return groupNumber(sysfs.linkName(dir + "iommu_group"));
    }

    private static OptionalInt groupNumber(Optional<String> name) {
        try {
            return name.isEmpty() ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(name.get()));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    private static int numaNode(Sysfs sysfs, String dir) {
        return decimal(sysfs, dir + "numa_node").orElse(-1);
    }

    private static Optional<String> driverOverride(Sysfs sysfs, String dir) {
        return sysfs.read(dir + "driver_override").filter(v -> !v.isEmpty() && !v.equals("(null)"));
    }

    private static List<String> resetMethods(Sysfs sysfs, String dir) {
        return sysfs.read(dir + "reset_method")
                .map(v -> v.isBlank() ? List.<String>of() : Arrays.asList(v.trim().split("\\s+")))
                .orElse(List.of());
    }

    private static Optional<PcieLink> link(Sysfs sysfs, String dir) {
        Optional<String> speed = sysfs.read(dir + "current_link_speed");
        Optional<String> max = sysfs.read(dir + "max_link_speed");
        if (speed.isEmpty() && max.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new PcieLink(speed.orElse("Unknown"), decimal(sysfs, dir + "current_link_width").orElse(0),
                max.orElse("Unknown"), decimal(sysfs, dir + "max_link_width").orElse(0)));
    }

    private static Optional<Sriov> sriov(Sysfs sysfs, String dir) {
        OptionalInt total = decimal(sysfs, dir + "sriov_totalvfs");
        if (total.isEmpty()) {
            return Optional.empty();
        }
        List<PciAddress> vfs = new ArrayList<>();
        for (int i = 0; ; i++) {
            Optional<String> vf = sysfs.linkName(dir + "virtfn" + i);
            if (vf.isEmpty()) {
                break;
            }
            PciAddress a = PciAddress.tryParse(vf.get());
            if (a != null) {
                vfs.add(a);
            }
        }
        return Optional.of(new Sriov(total.getAsInt(), decimal(sysfs, dir + "sriov_numvfs").orElse(0), vfs));
    }

    /**
     * The PCI device whose directory holds this one's, from the real path's second-last name. A root
     * bus ({@code pciDDDD:BB}) has none, unless a PCI device holds the bus itself: Intel VMD, whose
     * domain's root bus sits at {@code …/0000:00:0e.0/pci10000:00} (libvirt too names the VMD as parent).
     */
    private static Optional<PciAddress> parent(String realPath) {
        String[] names = realPath.split("/");
        if (names.length < 2) {
            return Optional.empty();
        }
        String up = names[names.length - 2];
        if (up.startsWith("pci")) {
            return names.length < 3 ? Optional.empty() : Optional.ofNullable(PciAddress.fromSysfsName(names[names.length - 3]));
        }
        return Optional.ofNullable(PciAddress.fromSysfsName(up));
    }

    /**
     * The PCI Express capability's device/port type, walking the capability list from 0x34. Empty
     * when config space is short (unprivileged readers get only 64 bytes) or has no such capability.
     */
    static OptionalInt pcieType(byte[] config) {
        if (config.length < CONFIG_HEADER || (config[0x06] & 0x10) == 0) {
            return OptionalInt.empty();
        }
        int ptr = config[0x34] & 0xfc;
        for (int hops = 0; hops < 48 && ptr >= CONFIG_HEADER && ptr + 3 < config.length; hops++) {
            int id = config[ptr] & 0xff;
            if (id == CAP_ID_PCIE) {
                return OptionalInt.of((config[ptr + 2] >> 4) & 0x0f);
            }
            ptr = config[ptr + 1] & 0xfc;
        }
        return OptionalInt.empty();
    }
}
