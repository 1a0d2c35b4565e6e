package dev.hostdev.engine.pci;

import dev.hostdev.engine.sysfs.Sysfs;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The physical slots the platform describes: {@code /sys/bus/pci/slots/LABEL/address} holds the
 * {@code domain:bus:device} of what is plugged into slot LABEL (every function of that device is in it).
 */
public final class PciSlots {
    private static final Pattern ADDRESS = Pattern.compile("([0-9a-f]{4,8}):([0-9a-f]{2}):([0-9a-f]{2})");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._+-]{0,63}");

    private PciSlots() {
    }

    /**
     * One slot.
     *
     * @param label  the directory name under {@code /sys/bus/pci/slots}
     * @param domain PCI domain of the device in it
     * @param bus    its bus
     * @param slot   its device number
     */
    public record Slot(String label, long domain, int bus, int slot) {
        /** Whether {@code a} is a function of the device in this slot. */
        public boolean holds(PciAddress a) {
            return a.domain() == domain && a.bus() == bus && a.slot() == slot;
        }
    }

    /** The slots with a device address (empty slots and unreadable or oddly named entries are left out). */
    public static List<Slot> read(Sysfs sysfs) {
        List<Slot> out = new ArrayList<>();
        for (String label : sysfs.list("bus/pci/slots")) {
            if (!LABEL.matcher(label).matches()) {
                continue;
            }
            String text = sysfs.read("bus/pci/slots/" + label + "/address").orElse("").toLowerCase(Locale.ROOT);
            Matcher m = ADDRESS.matcher(text);
            if (m.matches()) {
                out.add(new Slot(label, Long.parseLong(m.group(1), 16), Integer.parseInt(m.group(2), 16),
                        Integer.parseInt(m.group(3), 16)));
            }
        }
        return out;
    }
}
