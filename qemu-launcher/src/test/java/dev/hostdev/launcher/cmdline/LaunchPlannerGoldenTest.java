package dev.hostdev.launcher.cmdline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.launcher.spec.Accel;
import dev.hostdev.launcher.spec.Specs;
import dev.hostdev.launcher.topology.FakePciFacts;
import dev.hostdev.launcher.topology.PciFacts;
import dev.hostdev.launcher.topology.SysfsPciFacts;
import dev.hostdev.engine.testing.SysfsTree;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Golden argument lists: the exact QEMU command line of many specs. The common head (name to
 * pidfile) is checked once in {@link #noHostdevAtAll()}; the others compare from the first
 * {@code -kernel}/{@code -drive}/{@code -fsdev}/{@code -device} on.
 */
class LaunchPlannerGoldenTest {
    static final LaunchOptions OPTIONS = new LaunchOptions(Path.of("/run/hostdev/vms"), false, Set.of(), false);

    static LaunchPlan plan(String spec, PciFacts facts) {
        return LaunchPlanner.plan(Specs.parse("name = \"vm\"\naccel = \"tcg\"\n" + spec), facts, OPTIONS);
    }

    /** The arguments from the first boot/backend/device option on, one per line. */
    static String tail(LaunchPlan plan) {
        List<String> argv = plan.argv();
        int from = 0;
        while (from < argv.size() && !Set.of("-kernel", "-drive", "-fsdev", "-device").contains(argv.get(from))) {
            from++;
        }
        return String.join("\n", argv.subList(from, argv.size())) + "\n";
    }

    @Test
    void noHostdevAtAll() {
        LaunchPlan p = plan("memory = \"512M\"\ncpus = 2\n", FakePciFacts.none());
        assertEquals(List.of(
                "qemu-system-x86_64",
                "-name", "guest=vm,debug-threads=on",
                "-machine", "q35",
                "-accel", "tcg",
                "-m", "512M",
                "-smp", "2",
                "-nodefaults",
                "-no-user-config",
                "-display", "none",
                "-serial", "none",
                "-chardev", "socket,id=qmp,path=/run/hostdev/vms/vm/qmp.sock,server=on,wait=off",
                "-mon", "chardev=qmp,mode=control",
                "-chardev", "socket,id=supervisor,path=/run/hostdev/vms/vm/supervisor.sock,server=on,wait=off",
                "-mon", "chardev=supervisor,mode=control",
                "-pidfile", "/run/hostdev/vms/vm/qemu.pid"), p.argv());
        assertEquals(List.of(), p.managed());
        assertEquals(List.of(new PreflightCheck.QemuDevices(Path.of("qemu-system-x86_64"), new java.util.TreeSet<>())), p.checks(),
                "only that QEMU runs");
        assertEquals(Accel.TCG, p.accel());
    }

    @Test
    void onePcieHostdev() {
        LaunchPlan p = plan("[[hostdev]]\npci = \"03:00.0\"\nexpect = \"8086:1572\"\n", FakePciFacts.none().pcie("03:00.0"));
        assertEquals(RootPortLines.ONE + """
                -device
                vfio-pci,host=0000:03:00.0,id=hostdev0,bus=pci.1,addr=0x0
                """, tail(p));
        assertEquals(List.of(new ManagedDevice("hostdev0", PciAddress.parse("03:00.0"))), p.managed());
        assertEquals("0000:03:00.0 (hostdev0) is present with IDs 8086:1572", p.checks().get(0).describe());
        assertEquals(List.of(), p.notes());
    }

    @Test
    void unmanagedHostdevIsNotDetachedButChecked() {
        LaunchPlan p = plan("[[hostdev]]\npci = \"03:00.0\"\nmanaged = false\n", FakePciFacts.none().pcie("03:00.0"));
        assertEquals(List.of(), p.managed());
        assertEquals(new PreflightCheck.PciDevice("hostdev0", PciAddress.parse("03:00.0"), java.util.Optional.empty(), true),
                p.checks().get(0));
    }

    @Test
    void conventionalPciHostdevGoesBehindTheBridge() {
        LaunchPlan p = plan("""
                [[hostdev]]
                pci = "01:00.0"
                [[hostdev]]
                pci = "05:01.0"
                """, FakePciFacts.none().pcie("01:00.0").conventional("05:01.0"));
        assertEquals("""
                -device
                pcie-root-port,port=0x8,chassis=1,id=pci.1,bus=pcie.0,multifunction=on,addr=0x1
                -device
                pcie-root-port,port=0x9,chassis=2,id=pci.2,bus=pcie.0,addr=0x1.0x1,bus-reserve=2
                -device
                pcie-pci-bridge,id=pci.3,bus=pci.2,addr=0x0
                -device
                vfio-pci,host=0000:01:00.0,id=hostdev0,bus=pci.1,addr=0x0
                -device
                vfio-pci,host=0000:05:01.0,id=hostdev1,bus=pci.3,addr=0x1
                """, tail(p));
        assertEquals(2, p.managed().size());
    }

    @Test
    void nineRootPortsCrossIntoSlotTwo() {
        LaunchPlan p = plan("spare_root_ports = 9\n", FakePciFacts.none());
        assertEquals(RootPortLines.first(8) + """
                -device
                pcie-root-port,port=0x10,chassis=9,id=pci.9,bus=pcie.0,addr=0x2
                """, tail(p));
    }

    @Test
    void hostdevThenSpares() {
        LaunchPlan p = plan("spare_root_ports = 2\n[[hostdev]]\npci = \"03:00.0\"\n", FakePciFacts.none().pcie("03:00.0"));
        assertEquals(RootPortLines.first(3) + """
                -device
                vfio-pci,host=0000:03:00.0,id=hostdev0,bus=pci.1,addr=0x0
                """, tail(p));
        assertEquals(List.of("pci.2", "pci.3"), p.topology().freeRootPorts().stream().map(r -> r.port().id()).toList());
    }

    @Test
    void usbByIdAndByPort() {
        LaunchPlan p = plan("""
                [[hostdev]]
                usb = "046d:c52b"
                [[hostdev]]
                usb = "3-1.4"
                startup = "optional"
                """, FakePciFacts.none());
        assertEquals(RootPortLines.ONE + """
                -device
                qemu-xhci,p2=15,p3=15,id=usb,bus=pci.1,addr=0x0
                -device
                usb-host,id=hostdev0,bus=usb.0,vendorid=0x046d,productid=0xc52b
                -device
                usb-host,id=hostdev1,bus=usb.0,hostbus=3,hostport=1.4
                """, tail(p));
        assertEquals(List.of("USB 046d:c52b (hostdev0) is present (startup mandatory)",
                "USB 3-1.4 (hostdev1) is present (startup optional)",
                "qemu-system-x86_64 has the devices pcie-root-port, qemu-xhci, usb-host"),
                p.checks().stream().map(PreflightCheck::describe).toList());
        assertEquals(List.of(), p.managed(), "USB devices are not detached from host drivers by Hostdev");

        LaunchPlan without = LaunchPlanner.plan(p.spec(), FakePciFacts.none(), OPTIONS.omitting(Set.of("hostdev1")));
        assertTrue(without.device("hostdev1").isEmpty(), "an optional device found missing is left out");
        assertTrue(without.device("usb").isPresent(), "the controller stays: same topology");
        assertEquals(p.topology(), without.topology());
        assertTrue(without.notes().get(0).contains("3-1.4"), without.notes().toString());
    }

    @Test
    void theLabSpec() {
        LaunchPlan p = plan("""
                memory = "1G"
                iommu = "intel"
                kernel = "/boot/vmlinuz"
                initrd = "/lab/initrd.img"
                append = "console=ttyS0 intel_iommu=on"
                serial = "/lab/serial.log"
                spare_root_ports = 1
                legacy_hotplug = true
                [[share]]
                path = "/"
                tag = "hostroot"
                readonly = true
                [[device]]
                model = "e1000e"
                id = "nic0"
                [[device]]
                model = "e1000"
                id = "legacy0"
                [[device]]
                model = "nvme"
                id = "nvme0"
                drive = "/lab/nvme.img"
                [[device]]
                model = "usb-kbd"
                """, FakePciFacts.none());
        List<String> argv = p.argv();
        assertEquals("q35,kernel-irqchip=split", argv.get(argv.indexOf("-machine") + 1));
        assertEquals(List.of("-chardev", "file,id=serial0,path=/lab/serial.log,append=on", "-serial", "chardev:serial0"),
                argv.subList(argv.indexOf("-display") + 2, argv.indexOf("-display") + 6));
        assertEquals("""
                -kernel
                /boot/vmlinuz
                -initrd
                /lab/initrd.img
                -append
                console=ttyS0 intel_iommu=on
                -drive
                if=none,id=drive-nvme0,file=/lab/nvme.img,format=raw
                -fsdev
                local,id=fs0,path=/,security_model=none,multidevs=remap,readonly=on
                -device
                intel-iommu,intremap=on,caching-mode=on,id=iommu
                """ + RootPortLines.first(4) + """
                -device
                pcie-root-port,port=0xc,chassis=5,id=pci.5,bus=pcie.0,addr=0x1.0x4,bus-reserve=2
                -device
                pcie-root-port,port=0xd,chassis=7,id=pci.7,bus=pcie.0,addr=0x1.0x5
                -device
                pcie-pci-bridge,id=pci.6,bus=pci.5,addr=0x0
                -device
                virtio-9p-pci,fsdev=fs0,mount_tag=hostroot,id=fs0,bus=pci.1,addr=0x0
                -device
                e1000e,id=nic0,bus=pci.2,addr=0x0
                -device
                e1000,id=legacy0,bus=pci.6,addr=0x1
                -device
                nvme,drive=drive-nvme0,serial=nvme0,id=nvme0,bus=pci.3,addr=0x0
                -device
                qemu-xhci,p2=15,p3=15,id=usb,bus=pci.4,addr=0x0
                -device
                usb-kbd,id=usb-kbd0,bus=usb.0
                """, tail(p));
        assertEquals(List.of("nvme0 drive /lab/nvme.img exists", "kernel /boot/vmlinuz exists", "initrd /lab/initrd.img exists",
                "share hostroot / is a directory", "serial log directory /lab is a directory",
                "qemu-system-x86_64 has the devices e1000, e1000e, intel-iommu, nvme, pcie-pci-bridge, pcie-root-port, qemu-xhci, "
                        + "usb-kbd, virtio-9p-pci"),
                p.checks().stream().map(PreflightCheck::describe).toList());
    }

    @Test
    void usbStorageOnAnExplicitXhci() {
        LaunchPlan p = plan("""
                [[device]]
                model = "usb-storage"
                drive = "/img/stick.img"
                [[device]]
                model = "qemu-xhci"
                id = "xhci"
                """, FakePciFacts.none());
        assertEquals("""
                -drive
                if=none,id=drive-usb-storage0,file=/img/stick.img,format=raw
                -device
                pcie-root-port,port=0x8,chassis=1,id=pci.1,bus=pcie.0,addr=0x1
                -device
                qemu-xhci,id=xhci,bus=pci.1,addr=0x0
                -device
                usb-storage,drive=drive-usb-storage0,id=usb-storage0,bus=xhci.0
                """, tail(p), "the controller before the USB device, whatever the file order");
    }

    @Test
    void manyCpusGetExtendedInterruptMode() {
        LaunchPlan p = LaunchPlanner.plan(Specs.parse("name = \"vm\"\naccel = \"kvm\"\ncpus = 256\niommu = \"intel\"\n"),
                FakePciFacts.none(), OPTIONS);
        assertTrue(p.argv().contains("intel-iommu,intremap=on,caching-mode=on,eim=on,id=iommu"), p.argv().toString());
        assertTrue(plan("cpus = 255\niommu = \"intel\"\n", FakePciFacts.none()).argv()
                .contains("intel-iommu,intremap=on,caching-mode=on,id=iommu"));
    }

    @Test
    void hotplugPortSizedFromAFakeResourceFile(@org.junit.jupiter.api.io.TempDir Path root) throws java.io.IOException {
        SysfsTree tree = SysfsTree.create(root).pci("0000:65:00.0").vendor(0x10de).device(0x1b80).pcie().add();
        java.nio.file.Files.writeString(tree.pciDeviceDir("0000:65:00.0").resolve("resource"), FakePciFacts.GPU_RESOURCE);
        LaunchPlan p = plan("[[hotplug]]\npci = \"65:00.0\"\n", new SysfsPciFacts(tree.sysfs()));
        assertEquals("""
                -device
                pcie-root-port,port=0x8,chassis=1,id=pci.1,bus=pcie.0,addr=0x1,mem-reserve=33554432,pref64-reserve=536870912
                """, tail(p));
        assertEquals(List.of(), p.managed(), "a hotplug port's device is attached later, not at start");
    }

    @Test
    void commasInPathsAreDoubled() {
        LaunchPlan p = plan("""
                serial = "/logs/a,b.log"
                [[disk]]
                path = "/img/disk,1.qcow2"
                format = "qcow2"
                [[share]]
                path = "/srv/x,y"
                tag = "x"
                [[device]]
                model = "e1000e"
                props = { romfile = "/roms/e,1.rom" }
                """, FakePciFacts.none());
        List<String> argv = p.argv();
        assertTrue(argv.contains("file,id=serial0,path=/logs/a,,b.log,append=on"), argv.toString());
        assertTrue(argv.contains("if=none,id=drive-disk0,file=/img/disk,,1.qcow2,format=qcow2"), argv.toString());
        assertTrue(argv.contains("local,id=fs0,path=/srv/x,,y,security_model=none,multidevs=remap"), argv.toString());
        assertTrue(argv.contains("e1000e,romfile=/roms/e,,1.rom,id=e1000e0,bus=pci.3,addr=0x0"), argv.toString());
        LaunchPlan run = LaunchPlanner.plan(p.spec(), FakePciFacts.none(),
                new LaunchOptions(Path.of("/run/a,b"), false, Set.of(), false));
        assertTrue(run.argv().contains("socket,id=qmp,path=/run/a,,b/vm/qmp.sock,server=on,wait=off"), run.argv().toString());
        assertEquals("/run/a,b/vm/qemu.pid", run.argv().get(run.argv().indexOf("-pidfile") + 1), "-pidfile is no option list");
    }

    @Test
    void accelAutoFollowsKvmAndPausedAddsS() {
        var spec = Specs.parse("name = \"vm\"\n");
        LaunchPlan kvm = LaunchPlanner.plan(spec, FakePciFacts.none(), new LaunchOptions(Path.of("/r"), true, Set.of(), false));
        assertEquals(Accel.KVM, kvm.accel());
        assertEquals(List.of("-accel", "kvm", "-cpu", "host"), kvm.argv().subList(5, 9));
        LaunchPlan tcg = LaunchPlanner.plan(spec, FakePciFacts.none(), new LaunchOptions(Path.of("/r"), false, Set.of(), true));
        assertEquals(Accel.TCG, tcg.accel());
        assertTrue(tcg.argv().contains("-S"));
        assertTrue(tcg.notes().get(0).contains("/dev/kvm"), tcg.notes().toString());
        assertTrue(!kvm.argv().contains("-S"));
    }

    @Test
    void emulatorAndDiskBootIndex() {
        LaunchPlan p = plan("emulator = \"/opt/q/qemu\"\n[[disk]]\npath = \"/a.img\"\n[[disk]]\npath = \"/b.img\"\nreadonly = true\n",
                FakePciFacts.none());
        assertEquals("/opt/q/qemu", p.argv().get(0));
        assertTrue(p.argv().contains("virtio-blk-pci,drive=drive-disk0,bootindex=1,id=disk0,bus=pci.1,addr=0x0"));
        assertTrue(p.argv().contains("virtio-blk-pci,drive=drive-disk1,bootindex=2,id=disk1,bus=pci.2,addr=0x0"));
        assertTrue(p.argv().contains("if=none,id=drive-disk1,file=/b.img,format=raw,readonly=on"));
    }

    @Test
    void anotherHostdevProcessSeesWhichDevicesThisVmHolds() {
        LaunchPlan p = plan("""
                [[hostdev]]
                pci = "03:00.0"
                [[hostdev]]
                pci = "05:01.0"
                managed = false
                """, FakePciFacts.none().pcie("03:00.0").conventional("05:01.0"));
        assertEquals(Set.of(PciAddress.parse("03:00.0"), PciAddress.parse("05:01.0")),
                dev.hostdev.engine.guard.QemuVfioArguments.vfioHosts(p.argv()), "the engine's guard reads our command line");
        assertEquals(java.util.Optional.of("vm"), dev.hostdev.engine.guard.QemuVfioArguments.vmName(p.argv()));
    }

    @Test
    void planAsJson() {
        LaunchPlan p = plan("[[hostdev]]\npci = \"03:00.0\"\n", FakePciFacts.none().pcie("03:00.0"));
        var j = p.toJson();
        assertEquals("vm", j.get("name").asText());
        assertEquals("tcg", j.get("accel").asText());
        assertEquals(p.argv().size(), j.get("argv").size());
        assertEquals("/run/hostdev/vms/vm/qmp.sock", j.get("qmp_socket").asText());
        assertEquals("0000:03:00.0", j.get("managed").get(0).get("address").asText());
        assertEquals("hostdev0", j.get("topology").get("root_ports").get(0).get("device").asText());
    }
}
