package dev.hostdev.launcher.topology;

import dev.hostdev.engine.testing.SysfsTree;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * GPUs with big BARs in a generated sysfs tree, as the kernel shows a modern card: BAR0 16M 32-bit
 * non-prefetchable, BAR1 (VRAM, 64-bit prefetchable, lines 1-2) of the size given, BAR3 32M 64-bit
 * prefetchable, BAR5 128 I/O ports, a 512K expansion ROM ({@code rom} attribute of that size), class VGA.
 */
public final class BigBarGpus {
    /** The kernel's flags of a 64-bit prefetchable memory BAR (IORESOURCE_MEM | PREFETCH | MEM_64 | SIZEALIGN …). */
    static final long PREF64 = 0x14220cL;
    static final long MEM32 = 0x40200L;
    static final long IO = 0x40101L;
    static final long ROM = 0x46200L;
    /** The ROM's size. */
    public static final long ROM_SIZE = 512 << 10;

    private BigBarGpus() {
    }

    /** Adds a GPU at {@code address} whose VRAM BAR is {@code vram} bytes; {@code bootVga} marks the firmware's console. */
    public static void add(SysfsTree tree, String address, long vram, boolean bootVga) {
        add(tree, address, vram, bootVga, 7);
    }

    /** The same in IOMMU group {@code group}. */
    public static void add(SysfsTree tree, String address, long vram, boolean bootVga, int group) {
        tree.pci(address).pcie().klass(0x030000).vendor(0x10de).device(0x2204).bootVga(bootVga).iommuGroup(group).add();
        Path dir = tree.pciDeviceDir(address);
        long base = 0x4000000000L;
        String text = String.join("\n",
                line(0xfb000000L, 16 << 20, MEM32),
                line(base, vram, PREF64),
                line(0, 0, 0),
                line(base + vram, 32 << 20, PREF64),
                line(0, 0, 0),
                line(0xe000, 128, IO),
                line(0xfc000000L, ROM_SIZE, ROM),
                line(0, 0, 0), line(0, 0, 0), line(0, 0, 0), line(0, 0, 0), line(0, 0, 0), line(0, 0, 0));
        try {
            Files.writeString(dir.resolve("resource"), text + "\n");
            try (RandomAccessFile rom = new RandomAccessFile(dir.resolve("rom").toFile(), "rw")) {
                rom.setLength(ROM_SIZE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String line(long start, long size, long flags) {
        long end = size == 0 ? 0 : start + size - 1;
        return String.format("0x%016x 0x%016x 0x%016x", start, end, flags);
    }
}
