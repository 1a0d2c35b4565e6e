package dev.hostdev.engine.bind;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.sysfs.Errno;
import dev.hostdev.engine.sysfs.HostRoot;
import dev.hostdev.engine.sysfs.Sysfs;
import dev.hostdev.engine.sysfs.SysfsWriteException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntConsumer;

/**
 * Carries out one device's plan step by step: each write through {@link Sysfs}, each check against what
 * the kernel now shows. It stops at the first refused write or failed check by throwing; undoing what was
 * done is the caller's job (it knows the state to go back to).
 */
final class PlanExecutor {
    private final Sysfs sysfs;
    private final HostRoot root;
    private final BindingProbe probe;
    private final BindObserver observer;

    PlanExecutor(Sysfs sysfs, BindObserver observer) {
        this.sysfs = sysfs;
        this.root = sysfs.root();
        this.probe = new BindingProbe(sysfs);
        this.observer = observer;
    }

    /** What a plan's execution did. */
    record Execution(List<SysfsWrite> writes, List<String> warnings, Optional<String> vfioNode, boolean configDead) {
    }

    /**
     * Runs the plan.
     *
     * @param stepDone told the number of steps completed after each one (for the journal)
     * @throws HostdevException the refused write or failed check, naming the device
     */
    Execution execute(DevicePlan plan, IntConsumer stepDone) {
        List<SysfsWrite> writes = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Optional<String> node = Optional.empty();
        int i = 0;
        for (PlanStep step : plan.steps()) {
            if (step instanceof SysfsWrite w) {
                observer.beforeWrite(plan.device(), w);
                try {
                    sysfs.write(w.attribute(), w.value());
                    writes.add(w);
                } catch (SysfsWriteException e) {
                    if (w.onFailure() == SysfsWrite.OnFailure.ABORT) {
                        throw new HostdevException(ErrorCode.KERNEL, plan.device() + ": " + e.getMessage(),
                                hintFor(w, e), e);
                    }
                    warnings.add(w.attribute().endsWith("/reset")
                            ? plan.device() + ": the kernel could not reset it (" + Errno.name(e.errno()) + ": " + Errno.describe(e.errno())
                                    + (e.errno() == Errno.ENOTTY ? ", no reset method works for it" : "") + "); given back without a reset"
                            : plan.device() + ": " + e.getMessage());
                }
            } else if (step instanceof PlanCheck.ExpectDriver c) {
                expectDriver(c);
            } else if (step instanceof PlanCheck.AwaitAnyDriver c) {
                long deadline = System.nanoTime() + c.within().toNanos();
                while (probe.state(c.device()).driver().isEmpty() && System.nanoTime() < deadline) {
                    pause();
                }
            } else if (step instanceof PlanCheck.ExpectNumVfs c) {
                expectNumVfs(c);
            } else if (step instanceof PlanCheck.AwaitVfioNode c) {
                node = Optional.of(awaitNode(c));
            } else if (step instanceof PlanCheck.ExpectConfigReadable c && !probe.configReadable(c.device())) {
                warnings.add(c.device() + " does not answer after its reset (config space reads 0xffff): "
                        + "left bound to no driver rather than given to a host driver");
                stepDone.accept(plan.steps().size());
                return new Execution(writes, warnings, node, true);
            }
            stepDone.accept(++i);
        }
        return new Execution(writes, warnings, node, false);
    }

    private void expectNumVfs(PlanCheck.ExpectNumVfs c) {
        long deadline = System.nanoTime() + c.within().toNanos();
        while (true) {
            int links = (int) sysfs.list(BindingProbe.dev(c.device())).stream().filter(n -> n.matches("virtfn[0-9]+")).count();
            java.util.Optional<String> num = sysfs.read(BindingProbe.dev(c.device()) + "/sriov_numvfs").map(String::strip);
            if (num.equals(java.util.Optional.of(Integer.toString(c.count()))) && links == c.count()) {
                return;
            }
            if (System.nanoTime() >= deadline) {
                throw new HostdevException(dev.hostdev.engine.ErrorCode.KERNEL, c.device() + " has sriov_numvfs "
                        + num.orElse("(unreadable)") + " and " + links + " virtfn links, not " + c.count() + " VFs",
                        "see dmesg for what the PF driver said");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HostdevException(dev.hostdev.engine.ErrorCode.KERNEL, "interrupted waiting for " + c.device() + "'s VFs", null);
            }
        }
    }

    private void expectDriver(PlanCheck.ExpectDriver c) {
        Optional<String> want = Optional.ofNullable(c.driver());
        long deadline = System.nanoTime() + c.within().toNanos();
        Optional<String> now = probe.state(c.device()).driver();
        while (!now.equals(want) && System.nanoTime() < deadline) {
            pause();
            now = probe.state(c.device()).driver();
        }
        if (!now.equals(want)) {
            String wanted = c.driver() == null ? "bound to no driver" : "bound to " + c.driver();
            throw new HostdevException(ErrorCode.KERNEL,
                    c.device() + " should now be " + wanted + " but is " + now.map(d -> "bound to " + d).orElse("bound to no driver")
                            + " (the kernel accepted the writes without doing it)",
                    c.driver() == null ? null
                            : "check that the " + c.driver() + " module is loaded and supports the device; dmesg may say why its probe failed");
        }
    }

    private String awaitNode(PlanCheck.AwaitVfioNode c) {
        Path node = root.resolve("/dev/vfio/" + c.group());
        long deadline = System.nanoTime() + c.timeout().toNanos();
        while (!Files.exists(node)) {
            if (System.nanoTime() >= deadline) {
                throw new HostdevException(ErrorCode.TIMEOUT,
                        c.device() + " is bound to vfio-pci but /dev/vfio/" + c.group() + " did not appear within "
                                + c.timeout().toMillis() + " ms",
                        "check that the vfio-pci module loaded fully (dmesg) and that /dev is managed (udev or devtmpfs)");
            }
            pause();
        }
        return "/dev/vfio/" + c.group();
    }

    private static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostdevException(ErrorCode.TIMEOUT, "interrupted while waiting for the kernel", null);
        }
    }

    private static String hintFor(SysfsWrite w, SysfsWriteException e) {
        return switch (e.errno()) {
            case dev.hostdev.engine.sysfs.Errno.EACCES, dev.hostdev.engine.sysfs.Errno.EPERM -> "run as root";
            case dev.hostdev.engine.sysfs.Errno.EBUSY -> "another driver or process holds the device; see 'hostdev show'";
            default -> w.attribute().endsWith("/bind") || w.attribute().endsWith("drivers_probe")
                    ? "the driver refused the device; dmesg says why" : null;
        };
    }
}
