package dev.hostdev.launcher.cmdline;

import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.launcher.spec.GpuOptions;
import dev.hostdev.launcher.topology.Placement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@code vfio-pci}: a host PCI device given to the guest. The host device must be bound to vfio-pci.
 *
 * <p>The device is named by {@code host=DDDD:BB:SS.F} when its domain fits in 16 bits, else by
 * {@code sysfsdev=/sys/bus/pci/devices/ADDR}: QEMU's {@code host} property parser refuses a domain above
 * 0xffff ({@code set_pci_host_devaddr} in hw/core/qdev-properties-system.c), while vfio-pci with
 * {@code sysfsdev} opens the device by that path and takes its name from the path's last part, so a
 * VMD domain such as {@code 10000} works. (QEMU itself turns {@code host=} into that same path.)
 *
 * @param id        device id
 * @param host      the host device
 * @param placement where it sits in the guest
 * @param gpu       ROM and display options ({@code rombar}, {@code romfile}, {@code x-vga}, {@code display})
 */
public record VfioPci(String id, PciAddress host, Placement placement, GpuOptions gpu) implements QemuDevice {
    /** Where QEMU finds host PCI devices; QEMU runs on the host, so never under a test root. */
    static final String SYSFS_DEVICES = "/sys/bus/pci/devices/";

    /** Checks the id. */
    public VfioPci {
        QemuDevice.checkId(id);
        Objects.requireNonNull(host);
        Objects.requireNonNull(placement);
        Objects.requireNonNull(gpu);
    }

    /** A device with QEMU's defaults for ROM and display. */
    public VfioPci(String id, PciAddress host, Placement placement) {
        this(id, host, placement, GpuOptions.NONE);
    }

    @Override
    public String driver() {
        return "vfio-pci";
    }

    @Override
    public Map<String, Object> properties() {
        Map<String, Object> p = new LinkedHashMap<>();
        if (host.hasShortDomain()) {
            p.put("host", host.toString());
        } else {
            p.put("sysfsdev", SYSFS_DEVICES + host);
        }
        p.put("id", id);
        p.put("bus", placement.bus());
        if (placement.multifunction()) {
            p.put("multifunction", true);
        }
        p.put("addr", placement.addr());
        // rombar is a number to QEMU (uint32), not on/off
        gpu.rombar().ifPresent(b -> p.put("rombar", b ? 1 : 0));
        gpu.romfile().ifPresent(f -> p.put("romfile", f.toString()));
        if (gpu.xVga()) {
            p.put("x-vga", true);
        }
        gpu.display().ifPresent(d -> p.put("display", d.qemuName()));
        return p;
    }
}
