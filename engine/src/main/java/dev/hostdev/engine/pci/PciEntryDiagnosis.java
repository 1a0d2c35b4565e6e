package dev.hostdev.engine.pci;

import dev.hostdev.engine.sysfs.Sysfs;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Reads an entry of {@code /sys/bus/pci/devices} that the quick listing read could not, attribute by
 * attribute, keeping what can be read and saying what cannot. The slow path, taken only for entries
 * that fail the quick one; it reads the entry by the name the directory gave, so a name that is not an
 * address is read too.
 */
final class PciEntryDiagnosis {
    private static final String DEVICES = "bus/pci/devices/";

    private PciEntryDiagnosis() {
    }

    /** A diagnosis: the entry read in full after all, or what could be read of it. */
    record Result(PciSummary device, UnreadablePciEntry unreadable) {
    }

    /**
     * Reads entry {@code name}.
     *
     * @return the summary if it reads in full now, else the unreadable entry; {@code null} if the entry
     *         is gone (it vanished since the directory was listed)
     */
    static Result read(Sysfs sysfs, String name, boolean withNumaNode) {
        String dir = DEVICES + name;
        if (!isPlainName(name) || !sysfs.existsNoFollow(dir)) {
            return isPlainName(name) ? null : new Result(null, nameOnly(name, "the name is not a file name"));
        }
        Optional<PciAddress> address = Optional.ofNullable(PciAddress.fromSysfsName(name));
        List<String> problems = new ArrayList<>();
        if (address.isEmpty()) {
            problems.add("the name is not a PCI address as the kernel writes it (DDDD:BB:SS.F, lower-case hex)");
        }
        if (sysfs.isLink(dir) && !sysfs.exists(dir)) {
            problems.add("the link points to nothing (" + sysfs.linkTarget(dir).map(Object::toString).orElse("?") + ")");
            return new Result(null, new UnreadablePciEntry(name, address, OptionalInt.empty(), OptionalInt.empty(),
                    OptionalInt.empty(), OptionalInt.empty(), Optional.empty(), OptionalInt.empty(),
                    String.join("; ", problems)));
        }
        if (!sysfs.isDirectory(dir)) {
            problems.add("it is not a directory");
        } else if (sysfs.canonical(dir).isEmpty()) {
            problems.add("it leads outside /sys (" + sysfs.linkTarget(dir).map(Object::toString).orElse("?") + ")");
        }
        String prefix = dir + "/";
        byte[] config = sysfs.readBytes(prefix + "config", 12).orElse(new byte[0]);
        boolean configIds = config.length >= 12 && ((config[0] & 0xff) != 0xff || (config[1] & 0xff) != 0xff);
        OptionalInt vendor;
        OptionalInt device;
        OptionalInt revision;
        if (configIds) {
            vendor = OptionalInt.of((config[0] & 0xff) | (config[1] & 0xff) << 8);
            device = OptionalInt.of((config[2] & 0xff) | (config[3] & 0xff) << 8);
            revision = OptionalInt.of(config[8] & 0xff);
        } else {
            vendor = attribute(sysfs, prefix, "vendor", 0xffff, "a vendor ID", problems);
            device = attribute(sysfs, prefix, "device", 0xffff, "a device ID", problems);
            Optional<String> rev = sysfs.read(prefix + "revision");
            revision = rev.isEmpty() ? OptionalInt.of(0) : attribute(sysfs, prefix, "revision", 0xff, "a revision", problems);
        }
        OptionalInt klass = attribute(sysfs, prefix, "class", 0xffffff, "a class code", problems);
        Optional<String> driver = sysfs.linkName(prefix + "driver");
        OptionalInt group = number(sysfs.linkName(prefix + "iommu_group"));
        if (problems.isEmpty()) {
            int numa = withNumaNode ? sysfs.read(prefix + "numa_node").map(PciEntryDiagnosis::decimal).orElse(-1) : 0;
            return new Result(new PciSummary(address.get(), vendor.getAsInt(), device.getAsInt(), klass.getAsInt(),
                    revision.getAsInt(), driver, group, withNumaNode ? OptionalInt.of(numa) : OptionalInt.empty()), null);
        }
        return new Result(null, new UnreadablePciEntry(name, address, vendor, device, klass, revision, driver, group,
                String.join("; ", problems)));
    }

    private static UnreadablePciEntry nameOnly(String name, String problem) {
        return new UnreadablePciEntry(name, Optional.empty(), OptionalInt.empty(), OptionalInt.empty(),
                OptionalInt.empty(), OptionalInt.empty(), Optional.empty(), OptionalInt.empty(), problem);
    }

    /** A name a directory can hold: the entry is then read under the devices directory and nowhere else. */
    private static boolean isPlainName(String name) {
        return !name.isEmpty() && name.indexOf('/') < 0 && name.indexOf('\0') < 0 && !name.equals(".")
                && !name.equals("..");
    }

    /** A {@code 0x…} attribute no larger than {@code max}; a problem is noted when it is missing or not hex. */
    private static OptionalInt attribute(Sysfs sysfs, String prefix, String name, int max, String what,
            List<String> problems) {
        Optional<String> text = sysfs.read(prefix + name);
        if (text.isEmpty()) {
            problems.add("'" + name + "' is missing or unreadable");
            return OptionalInt.empty();
        }
        OptionalInt value = strictHex(text.get(), max);
        if (value.isEmpty()) {
            problems.add("'" + name + "' holds '" + UnreadablePciEntry.printable(text.get()) + "', not " + what);
        }
        return value;
    }

    /** {@code 0x8086} or {@code 8086}: hex digits only, at most {@code max}. */
    static OptionalInt strictHex(String text, int max) {
        String t = text.startsWith("0x") || text.startsWith("0X") ? text.substring(2) : text;
        if (t.isEmpty() || t.length() > 8) {
            return OptionalInt.empty();
        }
        long v = 0;
        for (int i = 0; i < t.length(); i++) {
            int x = Character.digit(t.charAt(i), 16);
            if (x < 0 || t.charAt(i) > 'f') {
                return OptionalInt.empty();
            }
            v = v << 4 | x;
        }
        return v > max ? OptionalInt.empty() : OptionalInt.of((int) v);
    }

    private static OptionalInt number(Optional<String> name) {
        try {
            return name.isEmpty() ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(name.get()));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    private static int decimal(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
