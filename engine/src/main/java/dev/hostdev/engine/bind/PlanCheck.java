package dev.hostdev.engine.bind;

import dev.hostdev.engine.pci.PciAddress;
import java.time.Duration;
import java.util.Objects;

/** A verification in a plan: it reads, never writes, and fails the operation when the host disagrees. */
public sealed interface PlanCheck extends PlanStep {

    /**
     * The device must be bound to this driver within the time given (drivers_probe succeeds even when
     * nothing claimed the device, and a driver that prefers asynchronous probing binds after it returns).
     *
     * @param driver the expected driver, or {@code null} for "bound to nothing"
     * @param within how long the binding may take to show
     */
    record ExpectDriver(PciAddress device, String driver, Duration within) implements PlanCheck {
        public ExpectDriver {
            Objects.requireNonNull(device);
            Objects.requireNonNull(within);
        }

        @Override
        public String describe() {
            return "check " + device + " is " + (driver == null ? "bound to no driver" : "bound to " + driver);
        }
    }

    /**
     * Gives the kernel time to bind some driver, when none was recorded to expect: returns as soon as one is
     * bound, and never fails (the outcome then says no driver claimed the device).
     */
    record AwaitAnyDriver(PciAddress device, Duration within) implements PlanCheck {
        public AwaitAnyDriver {
            Objects.requireNonNull(device);
            Objects.requireNonNull(within);
        }

        @Override
        public String describe() {
            return "wait up to " + within.toMillis() + " ms for a driver to claim " + device;
        }
    }

    /**
     * An SR-IOV physical function must have exactly {@code count} VFs: {@code sriov_numvfs} reads it and that many
     * {@code virtfnN} links exist, within the time given (the kernel adds VF devices as the write returns).
     */
    record ExpectNumVfs(PciAddress device, int count, Duration within) implements PlanCheck {
        public ExpectNumVfs {
            Objects.requireNonNull(device);
            Objects.requireNonNull(within);
        }

        @Override
        public String describe() {
            return "check " + device + " sriov_numvfs reads " + count;
        }
    }

    /** {@code /dev/vfio/N} of the device's IOMMU group must appear within the timeout. */
    record AwaitVfioNode(PciAddress device, String group, Duration timeout) implements PlanCheck {
        public AwaitVfioNode {
            Objects.requireNonNull(device);
            Objects.requireNonNull(group);
            Objects.requireNonNull(timeout);
        }

        @Override
        public String describe() {
            return "wait up to " + timeout.toMillis() + " ms for /dev/vfio/" + group;
        }
    }

    /**
     * The device's config space must still read (vendor ID not 0xffff) after its reset; a device that
     * fails is left bound to no driver rather than handed to a host driver.
     */
    record ExpectConfigReadable(PciAddress device) implements PlanCheck {
        public ExpectConfigReadable {
            Objects.requireNonNull(device);
        }

        @Override
        public String describe() {
            return "check " + device + " config space reads (vendor is not 0xffff)";
        }
    }
}
