package dev.hostdev.engine.state;

import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.HostRoot;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A child process for {@link DeviceLocksTest}: prints READY, waits for the start file, tries to lock the
 * device, prints {@code WON <pid>} and holds the lock for the given time, or prints {@code BUSY <message>}.
 * Arguments: root, device, start file, hold milliseconds.
 */
public final class LockContender {
    private LockContender() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        PciAddress device = PciAddress.parse(args[1]);
        Path start = Path.of(args[2]);
        long hold = Long.parseLong(args[3]);
        DeviceLocks locks = new DeviceLocks(new StateDirectory(new HostRoot(root)), "contender " + ProcessHandle.current().pid());
        System.out.println("READY");
        System.out.flush();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!Files.exists(start) && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        try (DeviceLock lock = locks.acquire(device)) {
            System.out.println("WON " + ProcessHandle.current().pid());
            System.out.flush();
            Thread.sleep(hold);
        } catch (HostdevException e) {
            System.out.println("BUSY " + e.code() + " " + e.getMessage());
            System.out.flush();
        }
    }
}
