package dev.hostdev.engine.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.HostRoot;
import dev.hostdev.engine.testing.Contenders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-device locks between real processes: exactly one of several wins; a dead holder's lock is free. */
class DeviceLocksTest {
    private static final PciAddress DEVICE = PciAddress.parse("0000:01:00.0");

    @TempDir
    Path dir;
    private final Contenders contenders = new Contenders();

    @AfterEach
    void killChildren() {
        contenders.close();
    }

    private Process spawn(Path start, long holdMillis) throws IOException {
        return contenders.spawn(LockContender.class, dir.toString(), DEVICE.toString(), start.toString(), Long.toString(holdMillis));
    }

    @Test
    void ofFourProcessesClaimingOneDeviceExactlyOneWinsAndTheOthersNameIt() throws Exception {
        Path start = dir.resolve("start");
        for (int i = 0; i < 4; i++) {
            spawn(start, 3000);
        }
        List<String> results = contenders.race(start);
        List<String> won = results.stream().filter(r -> r.startsWith("WON ")).toList();
        assertEquals(1, won.size(), results.toString());
        String winner = won.get(0).substring(4);
        for (String r : results) {
            if (!r.startsWith("WON ")) {
                assertTrue(r.startsWith("BUSY BUSY "), r);
                assertTrue(r.contains("0000:01:00.0 is being changed by another Hostdev process: pid " + winner
                        + " (contender " + winner + ")"), r);
            }
        }
        assertTrue(contenders.allEndWithin(30));
    }

    @Test
    void theLockOfAKilledHolderIsFree() throws Exception {
        Path start = dir.resolve("start");
        Files.createFile(start);
        Process holder = spawn(start, 600_000);
        assertEquals("READY", contenders.readLine(0));
        String won = contenders.readLine(0);
        assertTrue(won.startsWith("WON "), won);
        DeviceLocks mine = new DeviceLocks(new StateDirectory(new HostRoot(dir)), "test");
        HostdevException busy = assertThrows(HostdevException.class, () -> mine.acquire(DEVICE));
        assertEquals(ErrorCode.BUSY, busy.code());
        assertTrue(mine.holder(DEVICE).orElseThrow().startsWith("pid " + holder.pid()));
        holder.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        try (DeviceLock lock = mine.acquire(DEVICE)) {
            assertEquals(DEVICE, lock.device());
            assertTrue(mine.holder(PciAddress.parse("02:00.0")).isEmpty());
        }
        assertTrue(mine.holder(DEVICE).isEmpty(), "released on close");
    }

    @Test
    void withinOneProcessASecondClaimIsRefusedToo() {
        DeviceLocks locks = new DeviceLocks(new StateDirectory(new HostRoot(dir)), "first");
        try (DeviceLock first = locks.acquire(DEVICE)) {
            HostdevException e = assertThrows(HostdevException.class, () -> locks.acquire(DEVICE));
            assertEquals(ErrorCode.BUSY, e.code());
            assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid() + " (first)"), e.getMessage());
        }
        locks.acquire(DEVICE).close();
    }

    @Test
    void acquireAllIsAllOrNone() {
        DeviceLocks locks = new DeviceLocks(new StateDirectory(new HostRoot(dir)), "t");
        PciAddress other = PciAddress.parse("02:00.0");
        try (DeviceLock held = locks.acquire(other)) {
            assertThrows(HostdevException.class, () -> locks.acquireAll(List.of(DEVICE, other)));
            assertTrue(locks.holder(DEVICE).isEmpty(), "the lock taken before the refusal was released");
        }
    }
}
