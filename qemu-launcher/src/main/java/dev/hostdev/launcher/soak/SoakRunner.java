package dev.hostdev.launcher.soak;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.launcher.hotplug.HotplugDevice;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Runs the cycles: attach every device (in order), run the guest check, unplug every device attached (in reverse
 * order, also after a failure, so that the VM is left as it was), then check each released host device's health.
 * A cycle fails on the first step that fails; the soak stops at the first failed cycle unless told to keep going.
 * Each cycle gives its devices ids of their own ({@code soak1-7}: device 1 in cycle 7): QEMU sends a device's
 * {@code DEVICE_DELETED} when the device is finalized, which can be after the next {@code device_add} was answered,
 * and an event naming the id just plugged in again would be taken for the new device's removal.
 */
public final class SoakRunner {
    /** Called after each cycle (the progress line). */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param done   the cycle just finished
         * @param passed cycles passed so far
         * @param failed cycles failed so far
         */
        void cycleDone(CycleResult done, int passed, int failed);
    }

    private final String vm;
    private final List<HotplugDevice> devices;
    private final List<String> ids;
    private final CycleSteps steps;
    private final GuestCheck guestCheck;
    private final HealthCheck health;
    private final Supplier<MemorySample> memory;

    /**
     * @param devices    the devices to cycle
     * @param ids        the stems of their ids in the VM, one per device ({@code soak1}: {@code soak1-N} in cycle N)
     * @param guestCheck the check after attach, or {@code null}
     * @param health     the host check after release (used for host PCI devices), or {@code null}
     * @param memory     reads the memory of Hostdev and QEMU now
     */
    public SoakRunner(String vm, List<HotplugDevice> devices, List<String> ids, CycleSteps steps, GuestCheck guestCheck,
                      HealthCheck health, Supplier<MemorySample> memory) {
        if (devices.isEmpty() || devices.size() != ids.size()) {
            throw new IllegalArgumentException(devices.size() + " devices, " + ids.size() + " ids");
        }
        this.vm = Objects.requireNonNull(vm);
        this.devices = List.copyOf(devices);
        this.ids = List.copyOf(ids);
        this.steps = Objects.requireNonNull(steps);
        this.guestCheck = guestCheck;
        this.health = health;
        this.memory = Objects.requireNonNull(memory);
    }

    /**
     * Runs up to {@code cycles} cycles.
     *
     * @param keepGoing run them all, counting failures, instead of stopping at the first
     */
    public SoakReport run(int cycles, boolean keepGoing, Listener listener) {
        if (cycles < 1) {
            throw HostdevException.usage("--cycles must be at least 1, not " + cycles, null);
        }
        MemorySample start = memory.get();
        List<CycleResult> results = new ArrayList<>();
        int passed = 0;
        int failed = 0;
        int healthChecks = 0;
        long t0 = System.nanoTime();
        try (CycleSteps.Held held = steps.hold()) { // one monitor connection for the whole run
            for (int n = 1; n <= cycles; n++) {
                Cycle c = new Cycle(n);
                CycleResult r = c.run();
                healthChecks += c.healthChecks;
                results.add(r);
                if (r.passed()) {
                    passed++;
                } else {
                    failed++;
                }
                if (listener != null) {
                    listener.cycleDone(r, passed, failed);
                }
                if (!r.passed() && !keepGoing) {
                    break;
                }
            }
        }
        long wall = System.nanoTime() - t0;
        return new SoakReport(vm, devices.stream().map(HotplugDevice::describe).toList(), ids, cycles, results,
                guestCheck == null ? null : guestCheck.command(), healthChecks, start, memory.get(), wall);
    }

    /** One cycle's state. */
    private final class Cycle {
        private final int n;
        private final List<Long> adds = new ArrayList<>();
        private final List<Long> dels = new ArrayList<>();
        private SoakFailure failure;
        private int healthChecks;

        Cycle(int n) {
            this.n = n;
        }

        CycleResult run() {
            List<String> ids = SoakRunner.this.ids.stream().map(stem -> idOf(stem, n)).toList();
            long t0 = System.nanoTime();
            List<Integer> attached = new ArrayList<>();
            for (int i = 0; i < devices.size(); i++) {
                long ta = System.nanoTime();
                try {
                    steps.attach(devices.get(i), ids.get(i));
                    adds.add(System.nanoTime() - ta);
                    attached.add(i);
                } catch (HostdevException e) {
                    fail(SoakFailure.Phase.ATTACH, ids.get(i), e);
                    break;
                }
            }
            Long guestVisible = null;
            if (failure == null && guestCheck != null) {
                try {
                    GuestCheck.Outcome o = guestCheck.run(n, ids);
                    if (o.passed()) {
                        guestVisible = System.nanoTime() - t0;
                    } else {
                        failure = new SoakFailure(n, SoakFailure.Phase.GUEST_CHECK, String.join(",", ids), ErrorCode.STATE,
                                "the guest check `" + guestCheck.command() + "` " + o.detail(), "see what the guest says about the device");
                    }
                } catch (HostdevException e) {
                    fail(SoakFailure.Phase.GUEST_CHECK, String.join(",", ids), e);
                }
            }
            List<Integer> released = new ArrayList<>();
            for (int k = attached.size() - 1; k >= 0; k--) {
                int i = attached.get(k);
                try {
                    dels.add(steps.unplug(ids.get(i)).toNanos());
                    released.add(i);
                } catch (HostdevException e) {
                    fail(SoakFailure.Phase.UNPLUG, ids.get(i), e);
                }
            }
            if (health != null) {
                for (int i : released) {
                    if (devices.get(i) instanceof HotplugDevice.HostPci p) {
                        healthChecks++;
                        List<String> problems = health.problems(p.address());
                        if (!problems.isEmpty() && failure == null) {
                            failure = new SoakFailure(n, SoakFailure.Phase.HEALTH, p.address().toString(), ErrorCode.KERNEL,
                                    String.join("; ", problems), "look at 'hostdev show " + p.address() + "' and the host's dmesg");
                        }
                    }
                }
            }
            return new CycleResult(n, adds, guestVisible, dels, System.nanoTime() - t0, failure);
        }

        private void fail(SoakFailure.Phase phase, String device, HostdevException e) {
            if (failure == null) {
                failure = new SoakFailure(n, phase, device, e.code(), e.getMessage(), e.hint());
            }
        }
    }

    /** The id of the device with id stem {@code stem} in cycle {@code cycle}. */
    public static String idOf(String stem, int cycle) {
        return stem + "-" + cycle;
    }

    /** The host PCI devices among {@code devices} (those whose health is checked). */
    public static List<PciAddress> hostPci(List<HotplugDevice> devices) {
        return devices.stream().filter(d -> d instanceof HotplugDevice.HostPci).map(d -> ((HotplugDevice.HostPci) d).address()).toList();
    }

    /** A guest that did not answer a check in time, as an error. */
    static HostdevException noAnswer(String command, Duration timeout) {
        return new HostdevException(ErrorCode.TIMEOUT, "the guest did not answer the check `" + command + "` within "
                + timeout.toSeconds() + " s", "is the guest's exchange loop running? see docs/guide.md, 'A hotplug rig'");
    }
}
