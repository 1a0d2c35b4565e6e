package dev.hostdev.engine.bind;

import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.HostRoot;
import dev.hostdev.engine.sysfs.Sysfs;
import dev.hostdev.engine.testing.SimulatedKernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A child process for {@link ConcurrentDetachTest}: a whole Hostdev detaching a device of a shared tree
 * through its own simulated kernel whose writes are slow. Prints READY, waits for the start file, then
 * prints {@code DETACHED}, {@code ALREADY_DETACHED} or {@code BUSY <message>}.
 * Arguments: root, device, start file.
 */
public final class DetachContender {
    private DetachContender() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        PciAddress device = PciAddress.parse(args[1]);
        Path start = Path.of(args[2]);
        SimulatedKernel kernel = new SimulatedKernel(root).slowWrites(Duration.ofMillis(400));
        DeviceBinder binder = new DeviceBinder(new Sysfs(new HostRoot(root), kernel), BindObserver.SILENT, "hostdev detach");
        System.out.println("READY");
        System.out.flush();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!Files.exists(start) && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        try {
            BindResult r = binder.detach(List.of(device), DetachOptions.defaults());
            System.out.println(r.devices().get(0).outcome());
        } catch (HostdevException e) {
            System.out.println(e.code() + " " + e.getMessage());
        }
        System.out.flush();
    }
}
