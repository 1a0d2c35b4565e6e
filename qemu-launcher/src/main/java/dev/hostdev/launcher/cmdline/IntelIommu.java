package dev.hostdev.launcher.cmdline;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code intel-iommu}: an emulated VT-d with interrupt remapping and caching mode (what a guest
 * needs to assign devices itself). Needs {@code kernel-irqchip=split} on the machine. It must come
 * before the PCI devices on the command line.
 *
 * @param id  device id
 * @param eim extended interrupt mode ({@code eim=on}): needed for x2APIC IDs above 255, i.e. more than 255 vCPUs
 */
public record IntelIommu(String id, boolean eim) implements QemuDevice {
    /** Above this many vCPUs the guest needs x2APIC interrupt remapping, so {@code eim=on}. */
    public static final int MAX_CPUS_WITHOUT_EIM = 255;

    /** Checks the id. */
    public IntelIommu {
        QemuDevice.checkId(id);
    }

    @Override
    public String driver() {
        return "intel-iommu";
    }

    @Override
    public Map<String, Object> properties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("intremap", true);
        p.put("caching-mode", true);
        if (eim) {
            p.put("eim", true);
        }
        p.put("id", id);
        return p;
    }
}
