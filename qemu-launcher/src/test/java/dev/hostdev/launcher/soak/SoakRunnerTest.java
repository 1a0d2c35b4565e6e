package dev.hostdev.launcher.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.launcher.hotplug.HotplugDevice;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The cycle logic with scripted steps: order, stop at the first failure, --keep-going, what is measured. */
class SoakRunnerTest {
    private static final HotplugDevice NIC = new HotplugDevice.Emulated("e1000e");
    private static final PciAddress HOST = PciAddress.parse("0000:03:00.0");
    private static final HotplugDevice VF = new HotplugDevice.HostPci(HOST, true);

    /** Steps that log what they are asked and fail in the cycles given. */
    private static final class Steps implements CycleSteps {
        final List<String> log = new ArrayList<>();
        final Set<Integer> failAttach;
        final Set<Integer> failUnplug;
        int cycle;

        Steps(Set<Integer> failAttach, Set<Integer> failUnplug) {
            this.failAttach = failAttach;
            this.failUnplug = failUnplug;
        }

        @Override
        public void attach(HotplugDevice device, String id) {
            if (id.startsWith("soak1-")) {
                cycle++;
            }
            log.add(cycle + " attach " + id);
            if (failAttach.contains(cycle)) {
                throw new HostdevException(ErrorCode.QEMU, "QEMU refused device_add", null);
            }
        }

        @Override
        public Duration unplug(String id) {
            log.add(cycle + " unplug " + id);
            if (failUnplug.contains(cycle)) {
                throw new HostdevException(ErrorCode.TIMEOUT, "no guest acknowledged the unplug of " + id, "try a longer --timeout");
            }
            return Duration.ofMillis(200);
        }
    }

    private static SoakRunner runner(Steps steps, GuestCheck check, HealthCheck health, HotplugDevice... devices) {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= devices.length; i++) {
            ids.add("soak" + i);
        }
        return new SoakRunner("rig", List.of(devices), ids, steps, check, health, () -> new MemorySample(1000L, null));
    }

    @Test
    void everyCyclePassesAndIsMeasured() {
        Steps steps = new Steps(Set.of(), Set.of());
        SoakReport r = runner(steps, null, null, NIC).run(5, false, null);
        assertEquals(5, r.passed());
        assertEquals(0, r.failed());
        assertNull(r.firstFailure());
        assertEquals(5, r.add().count());
        assertEquals(200_000_000L, r.del().p99());
        assertNull(r.guestVisible(), "no guest check, nothing guest-visible measured");
        assertEquals(new MemorySample(1000L, null), r.start());
        assertEquals(List.of("1 attach soak1-1", "1 unplug soak1-1", "2 attach soak1-2", "2 unplug soak1-2"), steps.log.subList(0, 4));
    }

    @Test
    void stopsAtTheFirstFailedCycleNamingItAndWhatFailed() {
        Steps steps = new Steps(Set.of(), Set.of(3));
        List<String> progress = new ArrayList<>();
        SoakReport r = runner(steps, null, null, NIC).run(10, false, (c, passed, failed) -> progress.add(c.cycle() + ":" + passed + "/" + failed));
        assertEquals(3, r.cycles().size());
        assertTrue(r.stoppedEarly());
        SoakFailure f = r.firstFailure();
        assertEquals(3, f.cycle());
        assertEquals(SoakFailure.Phase.UNPLUG, f.phase());
        assertEquals("soak1-3", f.device(), "each cycle's ids are its own");
        assertEquals(ErrorCode.TIMEOUT, f.code());
        assertEquals("cycle 3: unplug of soak1-3 failed: no guest acknowledged the unplug of soak1-3", f.describe());
        assertEquals(List.of("1:1/0", "2:2/0", "3:2/1"), progress);
        assertEquals(2, r.del().count(), "a failed cycle's figures are left out of the percentiles");
    }

    @Test
    void keepGoingRunsEveryCycleAndCountsFailures() {
        Steps steps = new Steps(Set.of(2), Set.of(4, 5));
        SoakReport r = runner(steps, null, null, NIC).run(6, true, null);
        assertEquals(6, r.cycles().size());
        assertEquals(3, r.failed());
        assertEquals(List.of(2, 4, 5), r.failures().stream().map(SoakFailure::cycle).toList());
        assertEquals(SoakFailure.Phase.ATTACH, r.failures().get(0).phase());
        assertTrue(steps.log.contains("2 attach soak1-2") && !steps.log.contains("2 unplug soak1-2"), "nothing attached, nothing unplugged: " + steps.log);
    }

    @Test
    void devicesAreUnpluggedInReverseOrderEvenWhenTheGuestCheckFails() {
        Steps steps = new Steps(Set.of(), Set.of());
        GuestCheck refusing = new GuestCheck() {
            @Override
            public String command() {
                return "lspci | grep -q 10d3";
            }

            @Override
            public Outcome run(int cycle, List<String> ids) {
                return cycle == 2 ? new Outcome(false, "exited 1") : new Outcome(true, "exited 0");
            }
        };
        SoakReport r = runner(steps, refusing, null, NIC, new HotplugDevice.Emulated("virtio-net-pci")).run(5, false, null);
        assertEquals(2, r.cycles().size());
        assertEquals(List.of("1 attach soak1-1", "1 attach soak2-1", "1 unplug soak2-1", "1 unplug soak1-1",
                "2 attach soak1-2", "2 attach soak2-2", "2 unplug soak2-2", "2 unplug soak1-2"), steps.log);
        SoakFailure f = r.firstFailure();
        assertEquals(SoakFailure.Phase.GUEST_CHECK, f.phase());
        assertEquals("cycle 2: guest-check of soak1-2,soak2-2 failed: the guest check `lspci | grep -q 10d3` exited 1", f.describe());
        assertEquals(1, r.guestVisible().count());
        assertEquals("lspci | grep -q 10d3", r.guestCheck());
    }

    @Test
    void anUnhealthyHostDeviceAfterItsReleaseFailsTheCycle() {
        Steps steps = new Steps(Set.of(), Set.of());
        int[] checks = {0};
        HealthCheck health = new HealthCheck() {
            @Override
            public List<String> problems(PciAddress device) {
                return ++checks[0] == 4 ? List.of(device + " is on no driver, it was on e1000e") : List.of();
            }

            @Override
            public List<String> describe(PciAddress device) {
                return List.of();
            }
        };
        SoakReport r = runner(steps, null, health, VF, NIC).run(10, false, null);
        assertEquals(4, r.cycles().size());
        assertEquals(4, r.healthChecks(), "only the host PCI device is checked, once a cycle");
        SoakFailure f = r.firstFailure();
        assertEquals(SoakFailure.Phase.HEALTH, f.phase());
        assertEquals("0000:03:00.0", f.device());
        assertEquals(ErrorCode.KERNEL, f.code());
        assertEquals("cycle 4: health of 0000:03:00.0 failed: 0000:03:00.0 is on no driver, it was on e1000e", f.describe());
    }
}
