package dev.hostdev.launcher.cmdline;

import dev.hostdev.launcher.spec.MemorySize;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@code -object memory-backend-ram,id=…,size=…}: RAM that a device takes as its {@code memdev}
 * (ivshmem-plain's shared memory, a virtio-pmem region).
 *
 * @param id   the object id, named by the device's {@code memdev}
 * @param size its size
 */
public record MemoryBackend(String id, MemorySize size) {
    /** Checks the id. */
    public MemoryBackend {
        QemuDevice.checkId(id);
        Objects.requireNonNull(size);
    }

    /** The {@code -object} argument. */
    public String argument() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("id", id);
        o.put("size", size);
        return QemuOptions.render("memory-backend-ram", o);
    }
}
