package dev.hostdev.launcher.cmdline;

import java.util.Arrays;

/**
 * The root ports golden command lines begin their devices with, spelt out once: libvirt's layout, functions 0-7
 * of slot 1 ({@code multifunction=on} on function 0 when there is more than one), {@code port} from 0x8, {@code chassis}
 * and {@code pci.N} from 1: the layout libvirt makes for a q35 guest, which the golden tests hold the planner to.
 */
final class RootPortLines {
    /** A VM's one root port. */
    static final String ONE = """
            -device
            pcie-root-port,port=0x8,chassis=1,id=pci.1,bus=pcie.0,addr=0x1
            """;

    private static final String SLOT_ONE = """
            -device
            pcie-root-port,port=0x8,chassis=1,id=pci.1,bus=pcie.0,multifunction=on,addr=0x1
            -device
            pcie-root-port,port=0x9,chassis=2,id=pci.2,bus=pcie.0,addr=0x1.0x1
            -device
            pcie-root-port,port=0xa,chassis=3,id=pci.3,bus=pcie.0,addr=0x1.0x2
            -device
            pcie-root-port,port=0xb,chassis=4,id=pci.4,bus=pcie.0,addr=0x1.0x3
            -device
            pcie-root-port,port=0xc,chassis=5,id=pci.5,bus=pcie.0,addr=0x1.0x4
            -device
            pcie-root-port,port=0xd,chassis=6,id=pci.6,bus=pcie.0,addr=0x1.0x5
            -device
            pcie-root-port,port=0xe,chassis=7,id=pci.7,bus=pcie.0,addr=0x1.0x6
            -device
            pcie-root-port,port=0xf,chassis=8,id=pci.8,bus=pcie.0,addr=0x1.0x7
            """;

    private RootPortLines() {
    }

    /** The first {@code n} (2 to 8) root ports of a VM with several, one argument a line. */
    static String first(int n) {
        if (n < 2 || n > 8) {
            throw new IllegalArgumentException("slot 1 holds 2 to 8 root ports in this layout, not " + n);
        }
        return String.join("\n", Arrays.copyOf(SLOT_ONE.split("\n"), 2 * n)) + "\n";
    }
}
