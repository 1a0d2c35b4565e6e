package dev.hostdev.engine.pci;

import dev.hostdev.engine.HostdevException;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A way to name a PCI device that survives renumbering: its place in the topology, a serial number, the
 * physical slot, or its IDs and rank among identical devices. A {@link PciSelectorResolver} turns one into
 * exactly one address on this host, or fails naming the candidates.
 * <p>
 * On the command line each is spelt with a prefix ({@link #parse}): {@code path:pci0000:00/1c.0/00.0},
 * {@code serial:S3EVNX0K123456}, {@code slot:3}, {@code slot:3#1}, {@code id:10de:2204}, {@code id:10de:2204#1}.
 * The values are only ever compared with what sysfs says; none becomes a file name.
 */
public sealed interface PciSelector {
    /** The prefixes {@link #parse} knows. */
    String SPELLINGS = "path:pci0000:00/1c.0/00.0, serial:XYZ, slot:3 (or slot:3#N), id:10de:2204 (or id:10de:2204#N)";

    /** The longest value accepted, as a bound on what a user (or a file) can make Hostdev compare. */
    int MAX_LENGTH = 256;

    /** The CLI spelling, e.g. {@code path:pci0000:00/1c.0/00.0}; {@link #parse} reads it back. */
    String spelling();

    /** The rank among the matches, in address order, when the selector picks one of several. */
    default OptionalInt index() {
        return OptionalInt.empty();
    }

    /**
     * The device's place from its root bus: {@code pci0000:00/1c.0/00.0} (the root bus as {@code /sys/devices}
     * names it, then device.function of each hop; no bus numbers, which firmware may change).
     */
    record Path(String value) implements PciSelector {
        private static final Pattern FORM = Pattern.compile(
                "pci[0-9a-f]{4,8}:[0-9a-f]{2}(/(pci[0-9a-f]{4,8}:[0-9a-f]{2}|[0-9a-f]{2}\\.[0-7]))+");

        /** Checks the form. */
        public Path {
            value = value.strip().toLowerCase(Locale.ROOT);
            if (!FORM.matcher(value).matches() || value.length() > MAX_LENGTH) {
                throw HostdevException.usage("not a device path: '" + Printable.of(value) + "'",
                        "write the root bus as /sys/devices names it, then device.function of each hop, e.g. "
                                + "pci0000:00/1c.0/00.0 ('hostdev show DEV' prints it)");
            }
            if (!value.matches(".*/[0-9a-f]{2}\\.[0-7]")) {
                throw HostdevException.usage("device path '" + value + "' ends at a bus, not a device",
                        "end it with the device.function, e.g. pci0000:00/1c.0/00.0");
            }
        }

        @Override
        public String spelling() {
            return "path:" + value;
        }
    }

    /**
     * A serial number: the PCI Express Device Serial Number (written as lspci does, {@code 00-11-22-33-44-55-66-77},
     * or as 16 hex digits), an NVMe controller's {@code serial}, or a USB device's {@code serial}.
     */
    record Serial(String value) implements PciSelector {
        /** Checks the form. */
        public Serial {
            value = value.strip();
            if (value.isEmpty() || value.length() > MAX_LENGTH || !value.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                throw HostdevException.usage("not a serial number: '" + Printable.of(value) + "'",
                        "give the serial as 'hostdev show DEV' prints it (printable ASCII)");
            }
        }

        @Override
        public String spelling() {
            return "serial:" + value;
        }
    }

    /**
     * The physical slot label of {@code /sys/bus/pci/slots/LABEL}; {@code index} picks among the functions
     * in the slot, in address order.
     */
    record Slot(String label, OptionalInt index) implements PciSelector {
        private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._+-]{0,63}");

        /** Checks the form. */
        public Slot {
            label = label.strip();
            if (!LABEL.matcher(label).matches()) {
                throw HostdevException.usage("not a slot label: '" + Printable.of(label) + "'",
                        "give the name of a directory of /sys/bus/pci/slots, e.g. slot:3");
            }
            Printable.checkIndex(index);
        }

        @Override
        public String spelling() {
            return "slot:" + label + index.stream().mapToObj(i -> "#" + i).findFirst().orElse("");
        }
    }

    /** Vendor and device ID; {@code index} picks among identical devices, in address order. */
    record Id(int vendor, int device, OptionalInt index) implements PciSelector {
        private static final Pattern FORM = Pattern.compile("([0-9a-fA-F]{4}):([0-9a-fA-F]{4})");

        /** Checks ranges. */
        public Id {
            if ((vendor & ~0xffff) != 0 || (device & ~0xffff) != 0) {
                throw new IllegalArgumentException("IDs are 16-bit");
            }
            Printable.checkIndex(index);
        }

        /** Parses {@code vvvv:dddd}. */
        public static Id parse(String text, OptionalInt index) {
            Matcher m = FORM.matcher(text.strip());
            if (!m.matches()) {
                throw HostdevException.usage("not a vendor:device ID: '" + Printable.of(text) + "'",
                        "write it as lspci -nn shows it, e.g. 10de:2204");
            }
            return new Id(Integer.parseInt(m.group(1), 16), Integer.parseInt(m.group(2), 16), index);
        }

        /** {@code vvvv:dddd}. */
        public String ids() {
            return String.format("%04x:%04x", vendor, device);
        }

        @Override
        public String spelling() {
            return "id:" + ids() + index.stream().mapToObj(i -> "#" + i).findFirst().orElse("");
        }
    }

    /** Whether {@code text} is spelt as a selector ({@code path:}, {@code serial:}, {@code slot:}, {@code id:}). */
    public static boolean isSelector(String text) {
        return text != null && (text.startsWith("path:") || text.startsWith("serial:") || text.startsWith("slot:")
                || text.startsWith("id:"));
    }

    /**
     * Parses a CLI spelling.
     *
     * @throws HostdevException (usage) naming what was given and what is accepted
     */
    public static PciSelector parse(String text) {
        if (text == null || text.length() > MAX_LENGTH + 8 || !isSelector(text)) {
            throw HostdevException.usage("not a device selector: '" + Printable.of(text) + "'", "use one of " + SPELLINGS);
        }
        int colon = text.indexOf(':');
        String kind = text.substring(0, colon);
        String value = text.substring(colon + 1);
        return switch (kind) {
            case "path" -> new Path(value);
            case "serial" -> new Serial(value);
            case "slot" -> {
                int hash = value.lastIndexOf('#');
                yield hash < 0 ? new Slot(value, OptionalInt.empty())
                        : new Slot(value.substring(0, hash), Printable.index(value.substring(hash + 1), text));
            }
            default -> {
                int hash = value.lastIndexOf('#');
                yield hash < 0 ? Id.parse(value, OptionalInt.empty())
                        : Id.parse(value.substring(0, hash), Printable.index(value.substring(hash + 1), text));
            }
        };
    }

    /** Helpers for messages and the {@code #N} suffix. */
    final class Printable {
        private Printable() {
        }

        static String of(String s) {
            return dev.hostdev.engine.Printable.of(s);
        }

        static OptionalInt index(String digits, String whole) {
            if (!digits.matches("[0-9]{1,4}")) {
                throw HostdevException.usage("not an index in '" + of(whole) + "'",
                        "write #N with N counting from 0 among the matching devices in address order, e.g. id:10de:2204#1");
            }
            return OptionalInt.of(Integer.parseInt(digits));
        }

        static void checkIndex(OptionalInt index) {
            if (index.isPresent() && (index.getAsInt() < 0 || index.getAsInt() > 9999)) {
                throw HostdevException.usage("index " + index.getAsInt() + " is out of range", "count from 0 (at most 9999)");
            }
        }
    }
}
