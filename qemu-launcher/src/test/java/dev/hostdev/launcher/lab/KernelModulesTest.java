package dev.hostdev.launcher.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelModulesTest {
    @Test
    void loadOrderPutsDependenciesFirstAndSkipsBuiltins(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("modules.dep"), """
                kernel/fs/netfs/netfs.ko:
                kernel/fs/fscache/fscache.ko: kernel/fs/netfs/netfs.ko
                kernel/fs/9p/9p.ko: kernel/net/9p/9pnet.ko kernel/fs/fscache/fscache.ko kernel/fs/netfs/netfs.ko
                kernel/net/9p/9pnet.ko:
                kernel/net/9p/9pnet_virtio.ko.xz: kernel/net/9p/9pnet.ko kernel/drivers/virtio/virtio_ring.ko
                """);
        Files.writeString(dir.resolve("modules.builtin"), "kernel/drivers/virtio/virtio_ring.ko\n");
        KernelModules m = KernelModules.load(dir);
        assertEquals(List.of("kernel/net/9p/9pnet.ko", "kernel/fs/netfs/netfs.ko", "kernel/fs/fscache/fscache.ko",
                "kernel/fs/9p/9p.ko", "kernel/net/9p/9pnet_virtio.ko.xz"), m.loadOrder(List.of("virtio_ring", "9p", "9pnet-virtio")));
    }

    @Test
    void aMissingModuleIsAnEnvironmentError(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("modules.dep"), "kernel/fs/9p/9p.ko:\n");
        HostdevException e = assertThrows(HostdevException.class, () -> KernelModules.load(dir).loadOrder(List.of("virtio_pci")));
        assertEquals(ErrorCode.ENVIRONMENT, e.code());
    }

    @Test
    void gzipModulesAreDecompressed(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("kernel"));
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(dir.resolve("kernel/a.ko.gz")))) {
            out.write(new byte[] {0x7f, 'E', 'L', 'F'});
        }
        Files.writeString(dir.resolve("modules.dep"), "kernel/a.ko.gz:\n");
        assertArrayEquals(new byte[] {0x7f, 'E', 'L', 'F'}, KernelModules.load(dir).read("kernel/a.ko.gz"));
    }

    @Test
    void namesAreCanonical() {
        assertEquals("9pnet_virtio", KernelModules.nameOf("kernel/net/9p/9pnet-virtio.ko.zst"));
    }
}
