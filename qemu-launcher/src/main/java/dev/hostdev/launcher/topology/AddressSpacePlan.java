package dev.hostdev.launcher.topology;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hostdev.launcher.spec.MemorySize;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where the guest's 64-bit PCI devices go, and the arithmetic behind it (see {@link AddressSpacePlanner}).
 *
 * @param belowFourG   guest RAM below 4 GiB (Q35: all of it up to 2.75 GiB, else 2 GiB)
 * @param aboveFourG   guest RAM above 4 GiB
 * @param holeStart    where QEMU starts the 64-bit PCI hole: the end of RAM above 4 GiB, rounded up to 1 GiB
 * @param windows      the 64-bit prefetchable windows the hole must hold
 * @param holeSize     the hole's size: the windows' sum rounded up to 1 GiB, at least QEMU's default (32 GiB)
 * @param alignment    how the firmware aligns the hole (the largest power of two not above its size, as OVMF)
 * @param end          the first address past the hole once aligned
 * @param physBits     the guest's physical address width
 * @param explicit     whether the plan sets the hole's size on QEMU's command line (any window at all)
 */
public record AddressSpacePlan(long belowFourG, long aboveFourG, long holeStart, List<Pref64Window> windows, long holeSize,
                               long alignment, long end, GuestPhysBits physBits, boolean explicit) {
    /** QEMU's default {@code pci-hole64-size} on q35 (Q35_PCI_HOST_HOLE64_SIZE_DEFAULT). */
    public static final long QEMU_DEFAULT_HOLE64 = 32L << 30;

    /** Copies the list. */
    public AddressSpacePlan {
        windows = List.copyOf(windows);
        Objects.requireNonNull(physBits);
    }

    /** The windows' sum. */
    public long total() {
        return windows.stream().mapToLong(Pref64Window::bytes).sum();
    }

    /** Whether the aligned hole ends within the guest's physical address width (true when the width is unknown). */
    public boolean fits() {
        return end <= physBits.limit();
    }

    /** The hole's size in MiB, as OVMF's {@code X-PciMmio64Mb} takes it. */
    public long holeMebibytes() {
        return holeSize / MemorySize.MIB;
    }

    /** The arithmetic, one line each, as {@code vm cmdline} prints it. */
    public List<String> explain() {
        List<String> out = new ArrayList<>();
        for (Pref64Window w : windows) {
            out.add(w.what() + (w.bars() == w.bytes() ? "" : " -> window " + size(w.bytes())));
        }
        out.add("64-bit windows: " + (windows.isEmpty() ? "none" : size(total()))
                + "; pci-hole64-size " + size(holeSize) + (explicit ? "" : " (QEMU's default, not set)")
                + (holeSize == QEMU_DEFAULT_HOLE64 && explicit ? " (QEMU's default 32G is enough)" : ""));
        out.add("RAM " + size(belowFourG) + " below 4G + " + size(aboveFourG) + " above: hole starts at " + hex(holeStart)
                + ", aligned to " + size(alignment) + " at " + hex(end - holeSize) + ", ends at " + hex(end));
        out.add("guest physical address width: " + physBits.bits().stream().mapToObj(b -> b + " bits (" + size(1L << Math.min(b, 62)) + ")")
                .findFirst().orElse("unknown") + ", " + physBits.source() + ": " + (physBits.bits().isEmpty() ? "not checked"
                : fits() ? "fits" : "does NOT fit"));
        return out;
    }

    /**
     * As JSON: {@code {"ram_below_4g","ram_above_4g","hole64_start","windows":[{"for","bars","window"}…],"windows_total",
     * "pci_hole64_size","pci_hole64_set","alignment","end","phys_bits"|null,"phys_bits_source","fits"}} (bytes).
     */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("ram_below_4g", belowFourG);
        o.put("ram_above_4g", aboveFourG);
        o.put("hole64_start", holeStart);
        ArrayNode a = o.putArray("windows");
        for (Pref64Window w : windows) {
            a.addObject().put("for", w.what()).put("bars", w.bars()).put("window", w.bytes());
        }
        o.put("windows_total", total());
        o.put("pci_hole64_size", holeSize);
        o.put("pci_hole64_set", explicit);
        o.put("alignment", alignment);
        o.put("end", end);
        if (physBits.bits().isPresent()) {
            o.put("phys_bits", physBits.bits().getAsInt());
        } else {
            o.putNull("phys_bits");
        }
        o.put("phys_bits_source", physBits.source());
        o.put("fits", fits());
        return o;
    }

    /** {@code 16G}, {@code 512M}: the shortest exact spelling. */
    static String size(long bytes) {
        return bytes <= 0 ? "0" : new MemorySize(bytes).toString();
    }

    private static String hex(long a) {
        return String.format("0x%x", a);
    }
}
