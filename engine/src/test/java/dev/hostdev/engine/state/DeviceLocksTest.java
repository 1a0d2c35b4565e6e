package dev.hostdev.engine.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.HostRoot;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() {
        for (Process p : children) {
            p.destroyForcibly();
        }
    }

    private Process spawn(Path start, long holdMillis) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
                LockContender.class.getName(), dir.toString(), DEVICE.toString(), start.toString(), Long.toString(holdMillis))
                .redirectErrorStream(true).start();
        children.add(p);
        return p;
    }

    @Test
    void ofFourProcessesClaimingOneDeviceExactlyOneWinsAndTheOthersNameIt() throws Exception {
        Path start = dir.resolve("start");
        List<BufferedReader> outs = new ArrayList<>();
        List<Process> procs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Process p = spawn(start, 3000);
            procs.add(p);
            outs.add(new BufferedReader(new InputStreamReader(p.getInputStream())));
        }
        for (BufferedReader out : outs) {
            assertEquals("READY", out.readLine());
        }
        Files.createFile(start);
        List<String> results = new ArrayList<>();
        for (BufferedReader out : outs) {
            results.add(out.readLine());
        }
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
        for (Process p : procs) {
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void theLockOfAKilledHolderIsFree() throws Exception {
        Path start = dir.resolve("start");
        Files.createFile(start);
        Process holder = spawn(start, 600_000);
        BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream()));
        assertEquals("READY", out.readLine());
        String won = out.readLine();
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
