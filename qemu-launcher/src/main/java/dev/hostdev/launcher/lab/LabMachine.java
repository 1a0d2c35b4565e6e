package dev.hostdev.launcher.lab;

import java.util.ArrayList;
import java.util.List;

/**
 * The emulated hardware of a lab VM: a q35 machine with an Intel IOMMU (interrupt remapping and
 * caching mode, so that the guest's VFIO works) and a chosen set of devices to give away.
 *
 * <p>Each PCIe device sits alone on its own {@code pcie-root-port}, so it gets an IOMMU group of its
 * own; the legacy e1000 sits behind a {@code pcie-pci-bridge} and shares the bridge's group. USB
 * devices hang off a {@code qemu-xhci}. The layout is fixed, so guest addresses are the same on every
 * boot.
 *
 * @param memoryMiB      guest RAM (Java and a nested QEMU run inside)
 * @param cpus           virtual CPUs
 * @param e1000eCount    e1000e NICs, each on its own root port
 * @param legacyE1000    two e1000 (conventional PCI) behind a pcie-pci-bridge: they share the
 *                       bridge's IOMMU group, so that one alone is not viable for assignment
 * @param nvme           an NVMe controller on its own root port
 * @param usbDevices     QEMU USB device models on a qemu-xhci, e.g. {@code usb-kbd}, {@code usb-storage}
 *                       (backed by a small blank image in the work directory)
 * @param spareRootPorts empty root ports, for hotplug into the lab VM itself
 */
public record LabMachine(int memoryMiB, int cpus, int e1000eCount, boolean legacyE1000, boolean nvme,
        List<String> usbDevices, int spareRootPorts) {

    /** The PCI vendor:device IDs QEMU gives these models. */
    public static final String E1000E_ID = "8086:10d3";
    /** The legacy e1000's vendor:device. */
    public static final String E1000_ID = "8086:100e";
    /** QEMU's pcie-pci-bridge. */
    public static final String PCIE_PCI_BRIDGE_ID = "1b36:000e";
    /** QEMU's NVMe controller. */
    public static final String NVME_ID = "1b36:0010";
    /** QEMU's xHCI controller. */
    public static final String XHCI_ID = "1b36:000d";
    /** QEMU's usb-storage. */
    public static final String USB_STORAGE_ID = "46f4:0001";
    /** QEMU's usb-kbd (usb-tablet and usb-mouse share it). */
    public static final String USB_HID_ID = "0627:0001";

    private static final int FIRST_ROOT_PORT_SLOT = 2;

    /** Validates the numbers. */
    public LabMachine {
        if (memoryMiB < 256 || cpus < 1 || e1000eCount < 0 || spareRootPorts < 0
                || e1000eCount + spareRootPorts > 20) {
            throw new IllegalArgumentException("impossible lab machine: " + memoryMiB + " MiB, " + cpus + " CPUs, "
                    + e1000eCount + " e1000e, " + spareRootPorts + " spare ports");
        }
        usbDevices = List.copyOf(usbDevices);
    }

    /**
     * The standard lab: two e1000e, two legacy e1000 behind a pcie-pci-bridge, an NVMe controller, an
     * xHCI with a keyboard and a USB stick, and two spare root ports; 2 GiB, 2 CPUs.
     */
    public static LabMachine standard() {
        return new LabMachine(2048, 2, 2, true, true, List.of("usb-kbd", "usb-storage"), 2);
    }

    /** A bare machine (no devices to give away), for tests that only need the kernel. */
    public static LabMachine bare() {
        return new LabMachine(1024, 2, 0, false, false, List.of(), 0);
    }

    /**
     * The {@code -device}/{@code -drive} arguments of the devices (not the 9p shares).
     *
     * @param workDir where the usb-storage's blank image lives (created by the caller, see {@link #usbImage})
     */
    public List<String> deviceArgs(java.nio.file.Path workDir) {
        List<String> args = new ArrayList<>();
        int[] port = {0};
        java.util.function.Supplier<String> rootPort = () -> {
            int n = ++port[0];
            args.add("-device");
            args.add("pcie-root-port,id=rp" + n + ",bus=pcie.0,chassis=" + n + ",port=" + (0x10 + n)
                    + ",addr=0x" + Integer.toHexString(FIRST_ROOT_PORT_SLOT + n - 1));
            return "rp" + n;
        };
        for (int i = 1; i <= e1000eCount; i++) {
            String rp = rootPort.get();
            args.add("-device");
            args.add("e1000e,id=nic" + i + ",bus=" + rp + ",addr=0x0,mac=52:54:00:1a:b0:0" + i);
        }
        if (legacyE1000) {
            String rp = rootPort.get();
            args.add("-device");
            args.add("pcie-pci-bridge,id=br1,bus=" + rp + ",addr=0x0");
            args.add("-device");
            args.add("e1000,id=legacy1,bus=br1,addr=0x1,mac=52:54:00:1a:b1:01");
            args.add("-device");
            args.add("e1000,id=legacy2,bus=br1,addr=0x2,mac=52:54:00:1a:b1:02");
        }
        if (nvme) {
            String rp = rootPort.get();
            args.add("-device");
            args.add("nvme,id=nvme1,serial=hostdevlab1,bus=" + rp + ",addr=0x0");
        }
        if (!usbDevices.isEmpty()) {
            String rp = rootPort.get();
            args.add("-device");
            args.add("qemu-xhci,id=xhci,bus=" + rp + ",addr=0x0");
            int i = 0;
            for (String model : usbDevices) {
                i++;
                if (model.equals("usb-storage")) {
                    args.add("-drive");
                    args.add("if=none,id=usbdisk" + i + ",format=raw,file=" + usbImage(workDir, i).toString().replace(",", ",,"));
                    args.add("-device");
                    args.add("usb-storage,id=usb" + i + ",bus=xhci.0,drive=usbdisk" + i);
                } else {
                    args.add("-device");
                    args.add(model + ",id=usb" + i + ",bus=xhci.0");
                }
            }
        }
        for (int i = 0; i < spareRootPorts; i++) {
            rootPort.get();
        }
        return args;
    }

    /** The blank image behind the {@code n}-th USB device when it is a usb-storage. */
    public static java.nio.file.Path usbImage(java.nio.file.Path workDir, int n) {
        return workDir.resolve("usb" + n + ".img");
    }

    /** Creates the blank images that {@link #deviceArgs} refers to. */
    public void createImages(java.nio.file.Path workDir) throws java.io.IOException {
        for (int i = 1; i <= usbDevices.size(); i++) {
            if (usbDevices.get(i - 1).equals("usb-storage")) {
                try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(usbImage(workDir, i).toFile(), "rw")) {
                    f.setLength(1 << 20);
                }
            }
        }
    }
}
