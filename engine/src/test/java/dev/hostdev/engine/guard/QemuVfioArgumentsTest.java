package dev.hostdev.engine.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hostdev.engine.pci.PciAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QemuVfioArgumentsTest {
    @Test
    void splitsCmdlineOnNuls() {
        assertEquals(List.of("qemu", "-device", ""), QemuVfioArguments.arguments("qemu\0-device\0\0".getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of(), QemuVfioArguments.arguments(new byte[0]));
    }

    @Test
    void findsVfioHostsInEverySpelling() {
        List<String> args = List.of("qemu", "-device", "vfio-pci,host=03:07.0", "--device", "driver=vfio-pci,id=a,host=0000:04:00.1",
                "-device", "{\"driver\": \"vfio-pci\", \"sysfsdev\": \"/sys/bus/pci/devices/0000:05:00.0/\"}",
                "-device", "virtio-net-pci,id=x,,host=06:00.0", "-device", "{not json", "-device");
        assertEquals(Set.of(PciAddress.parse("03:07.0"), PciAddress.parse("04:00.1"), PciAddress.parse("05:00.0")),
                QemuVfioArguments.vfioHosts(args));
    }

    @Test
    void readsTheVmName() {
        assertEquals(Optional.of("web"), QemuVfioArguments.vmName(List.of("q", "-name", "guest=web,debug-threads=on")));
        assertEquals(Optional.of("db"), QemuVfioArguments.vmName(List.of("q", "-name", "db")));
        assertEquals(Optional.empty(), QemuVfioArguments.vmName(List.of("q")));
    }

    @Test
    void honoursQemusDoubledCommaEscape() {
        assertEquals(List.of("a", "b,c=d", "e"), QemuVfioArguments.splitOptions("a,b,,c=d,e"));
    }
}
