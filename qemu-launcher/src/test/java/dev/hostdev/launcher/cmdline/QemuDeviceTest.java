package dev.hostdev.launcher.cmdline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hostdev.engine.pci.DeviceRef;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.launcher.spec.MemorySize;
import dev.hostdev.launcher.topology.Placement;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class QemuDeviceTest {
    @Test
    void escapingDoublesCommasOnly() {
        assertEquals("a,,b,,,,c=d", QemuOptions.escape("a,b,,c=d"));
        assertEquals("x,path=/a,,b,ro=on,n=3", QemuOptions.render("x", orderedMap("path", "/a,b", "ro", true, "n", 3)));
    }

    @Test
    void deviceAddArgumentsAreTyped() {
        PcieRootPort port = new PcieRootPort("pci.1", 1, 8, 1, 0, true, Optional.of(MemorySize.parse("32M")),
                Optional.of(MemorySize.parse("16G")), OptionalInt.of(1));
        assertEquals("pcie-root-port,port=0x8,chassis=1,id=pci.1,bus=pcie.0,multifunction=on,addr=0x1,bus-reserve=1,"
                + "mem-reserve=33554432,pref64-reserve=17179869184", port.deviceArgument());
        assertEquals("{\"driver\":\"pcie-root-port\",\"port\":8,\"chassis\":1,\"id\":\"pci.1\",\"bus\":\"pcie.0\",\"multifunction\":true,"
                + "\"addr\":\"0x1\",\"bus-reserve\":1,\"mem-reserve\":33554432,\"pref64-reserve\":17179869184}",
                port.deviceAddArguments().toString());

        VfioPci vfio = new VfioPci("hostdev0", PciAddress.parse("03:00.0"), new Placement("pci.2", 0, 0));
        assertEquals("{\"driver\":\"vfio-pci\",\"host\":\"0000:03:00.0\",\"id\":\"hostdev0\",\"bus\":\"pci.2\",\"addr\":\"0x0\"}",
                vfio.deviceAddArguments().toString());
        // QEMU's host= parser refuses a domain above ffff: a VMD drive is named by its sysfs path.
        VfioPci vmd = new VfioPci("hostdev1", PciAddress.parse("10000:01:00.0"), new Placement("pci.3", 0, 0));
        assertEquals("vfio-pci,sysfsdev=/sys/bus/pci/devices/10000:01:00.0,id=hostdev1,bus=pci.3,addr=0x0",
                vmd.deviceArgument());
        assertEquals("{\"driver\":\"vfio-pci\",\"sysfsdev\":\"/sys/bus/pci/devices/10000:01:00.0\",\"id\":\"hostdev1\","
                + "\"bus\":\"pci.3\",\"addr\":\"0x0\"}", vmd.deviceAddArguments().toString());
        assertEquals("vfio-pci,host=ffff:01:00.0,id=h,bus=pci.3,addr=0x0",
                new VfioPci("h", PciAddress.parse("ffff:01:00.0"), new Placement("pci.3", 0, 0)).deviceArgument());

        UsbHost usb = new UsbHost("u", "usb.0", DeviceRef.parse("046d:c52b"));
        assertEquals("{\"driver\":\"usb-host\",\"id\":\"u\",\"bus\":\"usb.0\",\"vendorid\":1133,\"productid\":50475}",
                usb.deviceAddArguments().toString());
        UsbHost byPort = new UsbHost("p", "usb.0", DeviceRef.parse("1-2.3"));
        assertEquals("{\"driver\":\"usb-host\",\"id\":\"p\",\"bus\":\"usb.0\",\"hostbus\":1,\"hostport\":\"2.3\"}",
                byPort.deviceAddArguments().toString());

        EmulatedDevice nic = new EmulatedDevice("e1000e", "n1", "pci.3", Optional.of("0x0"), orderedMap("mac", "52:54:00:00:00:01"));
        assertEquals("{\"driver\":\"e1000e\",\"mac\":\"52:54:00:00:00:01\",\"id\":\"n1\",\"bus\":\"pci.3\",\"addr\":\"0x0\"}",
                nic.deviceAddArguments().toString());
    }

    @Test
    void constructorsRefuseWhatQemuWould() {
        assertThrows(IllegalArgumentException.class, () -> new VfioPci("1bad", PciAddress.parse("03:00.0"), Placement.onRootPort("pci.1")));
        assertThrows(IllegalArgumentException.class, () -> new VfioPci("a,b", PciAddress.parse("03:00.0"), Placement.onRootPort("pci.1")));
        assertThrows(IllegalArgumentException.class, () -> new PcieRootPort("pci.1", 256, 8, 1, 0, false,
                Optional.empty(), Optional.empty(), OptionalInt.empty()));
        assertThrows(IllegalArgumentException.class, () -> new PcieRootPort("pci.1", 1, 9, 1, 1, true,
                Optional.empty(), Optional.empty(), OptionalInt.empty()), "multifunction on function 1");
        assertThrows(IllegalArgumentException.class, () -> new EmulatedDevice("e1000e", "n", "pci.1", Optional.empty(),
                Map.of("bus", "pcie.0")), "bus is the plan's");
        assertThrows(IllegalArgumentException.class, () -> new EmulatedDevice("e1000e,x=y", "n", "pci.1", Optional.empty(), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> new Placement("pci.1", 0x20, 0));
    }

    private static Map<String, Object> orderedMap(Object... kv) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
