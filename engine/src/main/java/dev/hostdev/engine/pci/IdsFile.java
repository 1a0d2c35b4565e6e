package dev.hostdev.engine.pci;

import dev.hostdev.engine.sysfs.HostRoot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Looks names up in the system's {@code pci.ids} / {@code usb.ids} (the files lspci and lsusb use).
 * One streaming pass over the file picks out only the IDs asked for: a listing needs a few dozen
 * names out of some 40,000 lines, and building a map of them all costs several times more.
 *
 * <p>Format: {@code vvvv  vendor}, then {@code \tdddd  device} (and {@code \t\t} subsystem lines,
 * skipped); a class section of {@code C cc  class} and {@code \tss  subclass}; {@code #} comments;
 * usb.ids has further sections ({@code AT}, {@code HID}, {@code L}…) that are skipped.
 */
public final class IdsFile {
    private static final List<String> DIRECTORIES = List.of("/usr/share/misc/", "/usr/share/hwdata/", "/usr/share/");

    private IdsFile() {
    }

    /**
     * Finds {@code fileName} ({@code pci.ids}, {@code usb.ids}) under the host root first, then on the
     * machine itself, in {@code /usr/share/misc}, {@code /usr/share/hwdata} and {@code /usr/share}.
     */
    public static Optional<Path> locate(HostRoot root, String fileName) {
        for (HostRoot r : root.isSystemRoot() ? List.of(root) : List.of(root, HostRoot.system())) {
            for (String dir : DIRECTORIES) {
                Path p = r.resolve(dir + fileName);
                if (Files.isRegularFile(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The names of the wanted IDs; {@link IdNames#NONE} if the file cannot be read.
     *
     * @param vendors    vendor IDs whose names are wanted
     * @param devices    {@code vendor << 16 | device} pairs whose names are wanted
     * @param classes    class IDs
     * @param subclasses {@code class << 8 | subclass} pairs
     */
    public static IdNames lookup(Path file, Set<Integer> vendors, Set<Integer> devices, Set<Integer> classes,
            Set<Integer> subclasses) {
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (IOException e) {
            return IdNames.NONE;
        }
        return scan(data, vendors, devices, classes, subclasses);
    }

    static IdNames scan(byte[] d, Set<Integer> vendors, Set<Integer> devices, Set<Integer> classes,
            Set<Integer> subclasses) {
        Map<Integer, String> vendorNames = new HashMap<>();
        Map<Integer, String> deviceNames = new HashMap<>();
        Map<Integer, String> classNames = new HashMap<>();
        Map<Integer, String> subclassNames = new HashMap<>();
        int n = d.length;
        int vendor = -1;
        int klass = -1;
        int pos = 0;
        while (pos < n) {
            int end = pos;
            while (end < n && d[end] != '\n') {
                end++;
            }
            byte b = d[pos];
            if (b == '\t') {
                if (pos + 1 < end && d[pos + 1] != '\t') {
                    if (vendor >= 0) {
                        int id = hex(d, pos + 1, 4);
                        if (id >= 0 && devices.contains(vendor << 16 | id)) {
                            deviceNames.put(vendor << 16 | id, name(d, pos + 7, end));
                        }
                    } else if (klass >= 0) {
                        int id = hex(d, pos + 1, 2);
                        if (id >= 0 && subclasses.contains(klass << 8 | id)) {
                            subclassNames.put(klass << 8 | id, name(d, pos + 5, end));
                        }
                    }
                }
            } else if (b != '#' && end > pos) {
                vendor = -1;
                klass = -1;
                if (b == 'C' && pos + 1 < end && d[pos + 1] == ' ') {
                    int id = hex(d, pos + 2, 2);
                    if (id >= 0 && (classes.contains(id) || hasClass(subclasses, id))) {
                        klass = id;
                        if (classes.contains(id)) {
                            classNames.put(id, name(d, pos + 6, end));
                        }
                    }
                } else {
                    int id = hex(d, pos, 4);
                    if (id >= 0 && pos + 4 < end && d[pos + 4] == ' ' && vendors.contains(id)) {
                        vendor = id;
                        vendorNames.put(id, name(d, pos + 6, end));
                    }
                }
            }
            pos = end + 1;
        }
        return new IdNames(vendorNames, deviceNames, classNames, subclassNames);
    }

    private static boolean hasClass(Set<Integer> subclasses, int klass) {
        for (int s : subclasses) {
            if (s >> 8 == klass) {
                return true;
            }
        }
        return false;
    }

    /** Parses {@code digits} lower- or upper-case hex digits at {@code at}, or -1. */
    private static int hex(byte[] d, int at, int digits) {
        if (at + digits > d.length) {
            return -1;
        }
        int v = 0;
        for (int i = at; i < at + digits; i++) {
            int c = d[i];
            int x = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (x < 0) {
                return -1;
            }
            v = v << 4 | x;
        }
        return v;
    }

    private static String name(byte[] d, int from, int end) {
        if (from >= end) {
            return "";
        }
        int to = end;
        while (to > from && (d[to - 1] == '\r' || d[to - 1] == ' ')) {
            to--;
        }
        return new String(d, from, to - from, StandardCharsets.UTF_8);
    }
}
