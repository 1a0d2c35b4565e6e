package dev.hostdev.launcher.cli;

import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.pci.PciSummary;
import dev.hostdev.engine.pci.UnreadablePciEntry;
import java.util.OptionalInt;

/**
 * lspci's device selectors, with lspci's syntax and meaning (pciutils lib/filter.c): {@code -s
 * [[[[DOMAIN]:]BUS]:][SLOT][.[FUNC]]} and {@code -d [VENDOR]:[DEVICE][:CLASS[:PROGIF]]}, every number
 * in hex, an empty part or {@code *} matching anything, and in a class an {@code x} matching any digit
 * ({@code -d ::02xx}). {@code -1} in a field means "any".
 */
record LspciFilter(long domain, int bus, int slot, int function, int vendor, int device, int deviceClass,
        int classMask, int progIf) {
    /** Selects every device. */
    static final LspciFilter ANY = new LspciFilter(-1, -1, -1, -1, -1, -1, -1, ~0, -1);

    private static final int MAX_LENGTH = 63;

    /**
     * Parses {@code -s} and {@code -d} (either may be {@code null}).
     *
     * @throws HostdevException (usage) with lspci's reason and the syntax
     */
    static LspciFilter parse(String slotSpec, String idSpec) {
        long domain = -1;
        int bus = -1;
        int slot = -1;
        int function = -1;
        if (slotSpec != null) {
            String[] f = fields(slotSpec, ':', 3, "-s", SLOT_SYNTAX);
            int i = 0;
            if (f[2] != null) {
                domain = hex(f[0], 0x7fffffffL, "-s", slotSpec, "invalid domain number", SLOT_SYNTAX);
                i++;
            }
            if (f[i + 1] != null) {
                bus = (int) hex(f[i], 0xff, "-s", slotSpec, "invalid bus number", SLOT_SYNTAX);
                i++;
            }
            if (defined(f[i])) {
                String[] sf = f[i].split("\\.", -1);
                if (sf.length > 2) {
                    throw error("-s", slotSpec, "invalid slot/function number", SLOT_SYNTAX);
                }
                slot = (int) hex(sf[0], 0x1f, "-s", slotSpec, "invalid slot number", SLOT_SYNTAX);
                function = (int) hex(sf.length > 1 ? sf[1] : null, 7, "-s", slotSpec, "invalid function number",
                        SLOT_SYNTAX);
            }
        }
        int vendor = -1;
        int device = -1;
        int deviceClass = -1;
        int classMask = ~0;
        int progIf = -1;
        if (idSpec != null) {
            String[] f = fields(idSpec, ':', 4, "-d", ID_SYNTAX);
            if (f[1] == null) {
                throw error("-d", idSpec, "at least two fields must be given", ID_SYNTAX);
            }
            vendor = (int) hex(f[0], 0xffff, "-d", idSpec, "invalid vendor ID", ID_SYNTAX);
            device = (int) hex(f[1], 0xffff, "-d", idSpec, "invalid device ID", ID_SYNTAX);
            if (defined(f[2])) {
                int[] classAndMask = classWithWildcards(f[2], idSpec);
                deviceClass = classAndMask[0];
                classMask = classAndMask[1];
            }
            progIf = (int) hex(f[3], 0xff, "-d", idSpec, "invalid programming interface code", ID_SYNTAX);
        }
        return new LspciFilter(domain, bus, slot, function, vendor, device, deviceClass, classMask, progIf);
    }

    static final String SLOT_SYNTAX = "[[[[DOMAIN]:]BUS]:][SLOT][.[FUNC]] in hex, as lspci -s (e.g. 02:, 1c.4, 0000:03:00.0, .1)";
    static final String ID_SYNTAX = "[VENDOR]:[DEVICE][:CLASS[:PROGIF]] in hex, as lspci -d (e.g. 8086:, :10c9, ::0200, ::02xx)";

    /** Whether the device is selected (lspci's pci_filter_match). */
    boolean matches(PciSummary d) {
        int fullClass = d.classCode() >>> 8;
        return (domain < 0 || domain == (d.address().domain() & 0xffffffffL))
                && (bus < 0 || bus == d.address().bus())
                && (slot < 0 || slot == d.address().slot())
                && (function < 0 || function == d.address().function())
                && (vendor < 0 || vendor == d.vendorId())
                && (device < 0 || device == d.deviceId())
                && (deviceClass < 0 || ((deviceClass ^ fullClass) & classMask) == 0)
                && (progIf < 0 || progIf == (d.classCode() & 0xff));
    }

    /**
     * Whether an entry that could not be read in full may be selected: what could be read matches (lspci
     * cannot read it at all; Hostdev lists it rather than hide it). One with no address matches only a
     * filter without -s.
     */
    boolean mayMatch(UnreadablePciEntry e) {
        if (e.address().isEmpty()) {
            return domain < 0 && bus < 0 && slot < 0 && function < 0 && possible(e.vendorId(), vendor, ~0)
                    && possible(e.deviceId(), device, ~0) && classPossible(e);
        }
        PciAddress a = e.address().get();
        return (domain < 0 || domain == (a.domain() & 0xffffffffL)) && (bus < 0 || bus == a.bus())
                && (slot < 0 || slot == a.slot()) && (function < 0 || function == a.function())
                && possible(e.vendorId(), vendor, ~0) && possible(e.deviceId(), device, ~0) && classPossible(e);
    }

    private boolean classPossible(UnreadablePciEntry e) {
        if (e.classCode().isEmpty()) {
            return true;
        }
        int c = e.classCode().getAsInt();
        return (deviceClass < 0 || ((deviceClass ^ (c >>> 8)) & classMask) == 0) && (progIf < 0 || progIf == (c & 0xff));
    }

    private static boolean possible(OptionalInt known, int wanted, int mask) {
        return wanted < 0 || known.isEmpty() || ((known.getAsInt() ^ wanted) & mask) == 0;
    }

    /** Whether any part selects something (lspci's opt_filter). */
    boolean selects() {
        // field by field, not equals(ANY): a record's equals links through java.lang.runtime.ObjectMethods and spins
        // method handles, about 20 ms of every 'list'
        return domain != -1 || bus != -1 || slot != -1 || function != -1 || vendor != -1 || device != -1
                || deviceClass != -1 || classMask != ~0 || progIf != -1;
    }

    /** lspci's split_to_fields: at most {@code n} fields; absent ones are {@code null}. */
    private static String[] fields(String spec, char sep, int n, String option, String syntax) {
        if (spec.length() > MAX_LENGTH) {
            throw error(option, spec, "expression too long", syntax);
        }
        String[] parts = spec.split(java.util.regex.Pattern.quote(String.valueOf(sep)), -1);
        if (parts.length > n) {
            throw error(option, spec, "too many fields", syntax);
        }
        String[] out = new String[n];
        System.arraycopy(parts, 0, out, 0, parts.length);
        return out;
    }

    private static boolean defined(String field) {
        return field != null && !field.isEmpty() && !field.equals("*");
    }

    /** lspci's parse_hex_field without wildcards: -1 when the field is empty or {@code *}. */
    private static long hex(String field, long max, String option, String spec, String what, String syntax) {
        if (!defined(field)) {
            return -1;
        }
        long v = 0;
        for (char c : field.toCharArray()) {
            int d = Character.digit(c, 16);
            if (d < 0 || c > 'f') {
                throw error(option, spec, what, syntax);
            }
            v = v << 4 | d;
            if (v > max) {
                throw error(option, spec, what, syntax);
            }
        }
        return v;
    }

    /** A 16-bit class where each {@code x} matches any digit: the value and the mask of the digits given. */
    private static int[] classWithWildcards(String field, String spec) {
        int value = 0;
        int mask = ~0;
        int bound = 0;
        for (char c : field.toCharArray()) {
            if (c == 'x' || c == 'X') {
                value <<= 4;
                bound = bound << 4 | 1;
                mask <<= 4;
            } else {
                int d = Character.digit(c, 16);
                if (d < 0 || c > 'f') {
                    throw error("-d", spec, "invalid class code", ID_SYNTAX);
                }
                value = value << 4 | d;
                bound = bound << 4 | d;
                mask = mask << 4 | 0xf;
            }
            if (Integer.compareUnsigned(bound, 0xffff) > 0) {
                throw error("-d", spec, "invalid class code", ID_SYNTAX);
            }
        }
        return new int[] {value, mask};
    }

    private static HostdevException error(String option, String spec, String what, String syntax) {
        return HostdevException.usage(option + " '" + spec + "': " + what, "write it as " + syntax);
    }
}
