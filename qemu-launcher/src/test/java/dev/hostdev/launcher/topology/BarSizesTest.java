package dev.hostdev.launcher.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BarSizesTest {
    @Test
    void sumsBarsByWindow() {
        BarSizes b = BarSizes.parse(FakePciFacts.GPU_RESOURCE);
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
