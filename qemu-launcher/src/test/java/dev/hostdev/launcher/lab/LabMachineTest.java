package dev.hostdev.launcher.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabMachineTest {
    @Test
    void theStandardMachinePutsEachPcieDeviceOnItsOwnRootPortAndTheLegacyOnesBehindTheBridge() {
        List<String> args = LabMachine.standard().deviceArgs(Path.of("/w"));
        assertEquals(List.of(
                "-device", "pcie-root-port,id=rp1,bus=pcie.0,chassis=1,port=17,addr=0x2",
                "-device", "e1000e,id=nic1,bus=rp1,addr=0x0,mac=52:54:00:1a:b0:01",
                "-device", "pcie-root-port,id=rp2,bus=pcie.0,chassis=2,port=18,addr=0x3",
                "-device", "e1000e,id=nic2,bus=rp2,addr=0x0,mac=52:54:00:1a:b0:02",
                "-device", "pcie-root-port,id=rp3,bus=pcie.0,chassis=3,port=19,addr=0x4",
                "-device", "pcie-pci-bridge,id=br1,bus=rp3,addr=0x0",
                "-device", "e1000,id=legacy1,bus=br1,addr=0x1,mac=52:54:00:1a:b1:01",
                "-device", "e1000,id=legacy2,bus=br1,addr=0x2,mac=52:54:00:1a:b1:02",
                "-device", "pcie-root-port,id=rp4,bus=pcie.0,chassis=4,port=20,addr=0x5",
                "-device", "nvme,id=nvme1,serial=hostdevlab1,bus=rp4,addr=0x0",
                "-device", "pcie-root-port,id=rp5,bus=pcie.0,chassis=5,port=21,addr=0x6",
                "-device", "qemu-xhci,id=xhci,bus=rp5,addr=0x0",
                "-device", "usb-kbd,id=usb1,bus=xhci.0",
                "-drive", "if=none,id=usbdisk2,format=raw,file=/w/usb2.img",
                "-device", "usb-storage,id=usb2,bus=xhci.0,drive=usbdisk2",
                "-device", "pcie-root-port,id=rp6,bus=pcie.0,chassis=6,port=22,addr=0x7",
                "-device", "pcie-root-port,id=rp7,bus=pcie.0,chassis=7,port=23,addr=0x8"), args);
    }

    @Test
    void theQemuCommandLineHasTheIommuBeforeAnyDeviceAndEscapesCommasInPaths() {
        LabEnvironment env = new LabEnvironment(Path.of("/"), Path.of("/"), Path.of("/"), Path.of("/"), Path.of("/"));
        List<String> a = LabVm.qemuArgs(env, LabMachine.bare(), Path.of("/tmp/a,b"), Path.of("/tmp/a,b/initramfs.cpio"));
        assertTrue(a.indexOf("intel-iommu,intremap=on,caching-mode=on") < a.indexOf("-fsdev"));
        assertTrue(a.contains("local,id=exchange,path=/tmp/a,,b/x,security_model=none"), a::toString);
        assertTrue(a.contains("local,id=hostroot,path=/,readonly=on,security_model=none,multidevs=remap"),
                "the host's / is shared read-only");
        assertTrue(a.get(a.indexOf("-append") + 1).contains(LabGuest.CMDLINE_MARKER));
    }

    @Test
    void impossibleMachinesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new LabMachine(64, 1, 0, false, false, List.of(), 0));
        assertThrows(IllegalArgumentException.class, () -> new LabMachine(1024, 1, -1, false, false, List.of(), 0));
    }
}
