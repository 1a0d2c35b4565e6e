package dev.hostdev.launcher.lab;

import dev.hostdev.launcher.spec.DeviceBus;
import dev.hostdev.launcher.spec.EmulatedDeviceSpec;
import dev.hostdev.launcher.spec.VmSpec;
import dev.hostdev.launcher.spec.VmSpecLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The lab VM's hardware, said as an ordinary Hostdev VM spec ({@value #RESOURCE} beside this class): a
 * q35 machine with an emulated Intel IOMMU, two e1000e on root ports of their own, two conventional PCI
 * e1000 behind the pcie-pci-bridge (one IOMMU group with it), an NVMe controller, an xHCI with a keyboard
 * and a USB stick, two spare root ports, the host's kernel with the lab's initramfs, and two 9p shares.
 * {@link #prepare} writes it into a work directory with everything it names, for
 * {@code hostdev vm start} to start like any VM: the lab's QEMU command line is the product's.
 */
public final class LabMachine {
    /** The spec resource of the standard lab machine. */
    public static final String RESOURCE = "lab-machine.toml";
    /** The spec's name in the work directory. */
    public static final String SPEC_FILE = "lab.toml";
    /** The link to this host's kernel image that the spec boots. */
    public static final String KERNEL_LINK = "vmlinuz";
    /** The initramfs the spec boots. */
    public static final String INITRAMFS = "initramfs.cpio";
    /** The exchange share's directory. */
    public static final String EXCHANGE = "x";
    /** The guest's serial console log. */
    public static final String SERIAL_LOG = "serial.log";

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

    /** The QEMU id of the lab machine's NVMe controller. */
    public static final String NVME_DEVICE_ID = "nvme1";

    private static final long BLANK_DRIVE_BYTES = 1 << 20;

    private final String specText;

    private LabMachine(String specText) {
        this.specText = specText;
    }

    /** The standard lab machine. */
    public static LabMachine standard() {
        try (InputStream in = LabMachine.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks " + RESOURCE + " beside " + LabMachine.class.getName());
            }
            return new LabMachine(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * This machine with a raw image as the NVMe controller's namespace 1 ({@code drive} of its
     * {@code [[device]]}, id {@value #NVME_DEVICE_ID}): the guest then has a block device {@code nvme0n1}.
     */
    public LabMachine withNvmeDrive(Path image) {
        String id = "id = \"" + NVME_DEVICE_ID + "\"\n";
        if (!specText.contains(id)) {
            throw new IllegalStateException("the lab machine has no NVMe controller with " + id.strip());
        }
        return new LabMachine(specText.replace(id, id + "drive = " + LabSpec.quote(image.toAbsolutePath().toString()) + "\n"));
    }

    /** The MAC addresses of the two functions {@link #withTwoFunctionNic()} adds. */
    public static final String TWO_FUNCTION_MAC_0 = "52:54:00:1a:b2:00", TWO_FUNCTION_MAC_1 = "52:54:00:1a:b2:01";

    /**
     * This machine with a two-function device: two e1000e as functions 0 and 1 of one root port's slot 0
     * ({@code slot_group}, {@code multifunction=on} on function 0), a stand-in for a GPU with its audio function.
     * In the guest both functions share one IOMMU group (an e1000e has no ACS).
     */
    public LabMachine withTwoFunctionNic() {
        return new LabMachine(specText + "\n# a two-function device (issue 14.2): e1000e at functions 0 and 1 of one slot\n"
                + "[[device]]\nmodel = \"e1000e\"\nid = \"dualf0\"\nslot_group = \"dual\"\nfunction = 0\n"
                + "props = { mac = \"" + TWO_FUNCTION_MAC_0 + "\" }\n\n"
                + "[[device]]\nmodel = \"e1000e\"\nid = \"dualf1\"\nslot_group = \"dual\"\nfunction = 1\n"
                + "props = { mac = \"" + TWO_FUNCTION_MAC_1 + "\" }\n");
    }

    /** The serial of the SR-IOV NVMe controller {@link #withSriovNvme()} adds (a {@code serial:} selector finds its PF). */
    public static final String SRIOV_NVME_SERIAL = "hostdevsriov1";

    /**
     * This machine with an SR-IOV NVMe controller (issue 14.5): an {@code nvme-subsys} and an {@code nvme} in it whose
     * PF can make 2 VFs (QEMU refuses {@code max_ioqpairs - sriov_vq_flexible < 2}), serial {@value #SRIOV_NVME_SERIAL}.
     */
    public LabMachine withSriovNvme() {
        return new LabMachine(specText + """

                # an SR-IOV NVMe controller in an NVMe subsystem: its PF makes up to 2 VFs
                [[device]]
                model = "nvme-subsys"
                id = "subsys0"

                [[device]]
                model = "nvme"
                id = "sriovnvme"
                props = { serial = "%s", subsys = "subsys0", sriov_max_vfs = 2, sriov_vq_flexible = 4, sriov_vi_flexible = 2, max_ioqpairs = 6, msix_qsize = 4 }
                """.formatted(SRIOV_NVME_SERIAL));
    }

    /**
     * This machine with a raw image of the host's as its USB stick's drive (instead of a blank one in the work
     * directory): state written on it in one boot is there in the next, as on an appliance's disk.
     */
    public LabMachine withUsbStickImage(Path image) {
        String drive = "drive = \"usb2.img\"\n";
        if (!specText.contains(drive)) {
            throw new IllegalStateException("the lab machine has no USB stick with " + drive.strip());
        }
        return new LabMachine(specText.replace(drive, "drive = " + LabSpec.quote(image.toAbsolutePath().toString()) + "\n"));
    }

    /**
     * This machine with one more emulated PCIe device ({@code model}, QEMU id {@code id}) before all the others: it
     * takes the first root port, so every device after it moves to the next port and bus (as when a card is added
     * to a slot ahead of the others).
     */
    public LabMachine withDeviceFirst(String model, String id, String props) {
        int first = specText.indexOf("[[device]]");
        if (first < 0) {
            throw new IllegalStateException("the lab machine has no [[device]]");
        }
        String device = "[[device]]\nmodel = " + LabSpec.quote(model) + "\nid = " + LabSpec.quote(id) + "\n"
                + (props == null ? "" : "props = " + props + "\n") + "\n";
        return new LabMachine(specText.substring(0, first) + device + specText.substring(first));
    }

    /** The QEMU id of the big-BAR stand-in {@link #withBigBar} adds. */
    public static final String BIG_BAR_DEVICE_ID = "bigbar";
    /** QEMU's ivshmem (ivshmem-plain and ivshmem-doorbell share it). */
    public static final String IVSHMEM_ID = "1af4:1110";

    /**
     * This machine with a stand-in for a GPU's VRAM BAR: an {@code ivshmem-plain} (id {@value #BIG_BAR_DEVICE_ID})
     * whose 4 GiB memory backend the guest sees as a 64-bit prefetchable BAR2.
     */
    public LabMachine withBigBar() {
        return new LabMachine(specText + "\n# a GPU's VRAM BAR stand-in: 4 GiB of RAM as ivshmem's 64-bit prefetchable BAR2\n"
                + "[[device]]\nmodel = \"ivshmem-plain\"\nid = \"" + BIG_BAR_DEVICE_ID + "\"\nmemory = \"4G\"\n");
    }

    /** The QEMU id of the e1000e {@link #withTwoNumaNodes()} puts on guest node 1. */
    public static final String NODE1_NIC_ID = "node1nic";
    /** Its MAC address (how a test finds it among the lab's e1000e). */
    public static final String NODE1_NIC_MAC = "52:54:00:1a:b3:01";

    /**
     * This machine with two NUMA nodes of two CPUs each (issue 16.1), said with the placement feature itself:
     * {@code cpus = 4}, {@code [placement] guest_nodes = 2} (RAM split evenly), and an e1000e (id
     * {@value #NODE1_NIC_ID}) on a root port of guest node 1's {@code pxb-pcie} ({@code device_nodes}), so that
     * in the guest it reports {@code numa_node} 1 and {@code local_cpulist} 2-3.
     */
    public LabMachine withTwoNumaNodes() {
        if (!specText.contains("\ncpus = 2\n")) {
            throw new IllegalStateException("the lab machine does not say cpus = 2");
        }
        return new LabMachine(specText.replace("\ncpus = 2\n", "\ncpus = 4\n")
                + "\n# an e1000e on guest node 1 (issue 16.1): behind that node's pxb-pcie\n"
                + "[[device]]\nmodel = \"e1000e\"\nid = \"" + NODE1_NIC_ID + "\"\nprops = { mac = \"" + NODE1_NIC_MAC + "\" }\n"
                + "\n[placement]\nguest_nodes = 2\ndevice_nodes = { " + NODE1_NIC_ID + " = 1 }\n");
    }

    /**
     * This machine with {@code memory} of RAM instead of the standard 2G (a benchmark that reserves 2 GiB of
     * hugepages inside the guest needs more).
     */
    public LabMachine withMemory(String memory) {
        if (!specText.contains("\nmemory = \"2G\"\n")) {
            throw new IllegalStateException("the lab machine does not say memory = \"2G\"");
        }
        return new LabMachine(specText.replace("\nmemory = \"2G\"\n", "\nmemory = \"" + memory + "\"\n"));
    }

    /** The spec's text, as written into the work directory. */
    public String specText() {
        return specText;
    }

    /**
     * Writes the spec into {@code workDir} with what it names: the kernel link, the initramfs, blank
     * images for its drives, the exchange directory ({@link GuestChannel#prepare}).
     *
     * @param idleLimit the guest powers itself off after this long without a command
     * @return the spec, loaded from the file written
     */
    public VmSpec prepare(Path workDir, LabEnvironment env, Duration idleLimit) throws IOException {
        Path spec = workDir.resolve(SPEC_FILE);
        Files.writeString(spec, specText);
        Files.deleteIfExists(workDir.resolve(KERNEL_LINK));
        Files.createSymbolicLink(workDir.resolve(KERNEL_LINK), env.kernel().toAbsolutePath());
        LabInitramfs.build(env.modulesDir(), env.busybox(), workDir.resolve(INITRAMFS));
        GuestChannel.prepare(workDir.resolve(EXCHANGE), idleLimit);
        VmSpec vm = VmSpecLoader.load(spec);
        for (EmulatedDeviceSpec d : vm.devices()) {
            if (d.drive().isPresent() && !Files.exists(d.drive().get())) {
                try (RandomAccessFile f = new RandomAccessFile(d.drive().get().toFile(), "rw")) {
                    f.setLength(BLANK_DRIVE_BYTES);
                }
            }
        }
        return vm;
    }

    /** The USB devices a spec gives the guest (on its xHCI). */
    public static int usbDevices(VmSpec vm) {
        return (int) vm.devices().stream().filter(d -> d.bus() == DeviceBus.XHCI).count();
    }
}
