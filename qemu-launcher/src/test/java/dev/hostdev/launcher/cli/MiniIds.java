package dev.hostdev.launcher.cli;

import dev.hostdev.engine.testing.SysfsTree;

/** Small pci.ids and usb.ids files put into test trees, so that names do not depend on the host's files. */
final class MiniIds {
    static final String PCI_IDS = """
            # test pci.ids
            10de  NVIDIA Corporation
            \t1b80  GP104 [GeForce GTX 1080]
            \t10f0  GP104 High Definition Audio Controller
            8086  Intel Corporation
            \t10c9  82576 Gigabit Network Connection
            \t\t8086 a03c  Ethernet Server Adapter
            \t10ca  82576 Virtual Function
            C 02  Network controller
            \t00  Ethernet controller
            C 03  Display controller
            \t00  VGA compatible controller
            C 04  Multimedia controller
            \t03  Audio device
            C 06  Bridge
            \t04  PCI bridge
            """;
    static final String USB_IDS = """
            046d  Logitech, Inc.
            \tc52b  Unifying Receiver
            1d6b  Linux Foundation
            \t0002  2.0 root hub
            C 09  Hub
            """;

    private MiniIds() {
    }

    /** Writes both files under the tree's /usr/share/misc. */
    static SysfsTree install(SysfsTree tree) {
        return tree.file("/usr/share/misc/pci.ids", PCI_IDS).file("/usr/share/misc/usb.ids", USB_IDS);
    }
}
