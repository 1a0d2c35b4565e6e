package dev.hostdev.launcher.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BarSizesTest {
    /** A GPU's resource file: BAR0 16M 32-bit, BAR1 256M 64-bit prefetchable, BAR3 32M 64-bit prefetchable, BAR5 I/O 128, ROM 512K. */
    static final String GPU = """
            0x00000000fb000000 0x00000000fbffffff 0x0000000000040200
            0x000000e000000000 0x000000e00fffffff 0x000000000014220c
            0x0000000000000000 0x0000000000000000 0x0000000000000000
            0x000000e010000000 0x000000e011ffffff 0x000000000014220c
            0x0000000000000000 0x0000000000000000 0x0000000000000000
            0x000000000000e000 0x000000000000e07f 0x0000000000040101
            0x00000000fc000000 0x00000000fc07ffff 0x0000000000046200
            0x0000000000000000 0x0000000000000000 0x0000000000000000
            0x00000000fd000000 0x00000000fdffffff 0x0000000000040200
            """;

    @Test
    void sumsBarsByWindow() {
        BarSizes b = BarSizes.parse(GPU);
        assertEquals((16L << 20) + (512L << 10), b.mem(), "32-bit BAR and ROM; lines after the ROM not counted");
        assertEquals((256L << 20) + (32L << 20), b.pref64());
        assertEquals(128, b.io());
    }

    @Test
    void emptyOrGarbageIsZero() {
        assertEquals(new BarSizes(0, 0, 0), BarSizes.parse(""));
        assertEquals(new BarSizes(0, 0, 0), BarSizes.parse("nonsense\n0x1 0x2\n"));
    }

    @Test
    void prefetchable32BitGoesToTheMemWindow() {
        BarSizes b = BarSizes.parse("0x00000000e0000000 0x00000000e0ffffff 0x0000000000042208\n");
        assertEquals(16L << 20, b.mem());
        assertEquals(0, b.pref64());
    }
}
