package dev.hostdev.launcher.cmdline;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code intel-iommu}: an emulated VT-d with interrupt remapping and caching mode (what a guest
 * needs to assign devices itself). Needs {@code kernel-irqchip=split} on the machine. It must come
 * before the PCI devices on the command line.
 *
 * @param id device id
 */
public record IntelIommu(String id) implements QemuDevice {
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
        p.put("id", id);
        return p;
    }
}
