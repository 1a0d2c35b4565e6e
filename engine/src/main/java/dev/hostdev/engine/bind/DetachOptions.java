package dev.hostdev.engine.bind;

import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to detach.
 *
 * @param driver      the VFIO driver to give the devices to: {@code auto} (default: the most specific match in
 *                    modules.alias, see {@link DriverChooser}), {@code keep} (a device already on a VFIO driver
 *                    stays there), or a VFIO driver's name such as {@code vfio-pci} or {@code mlx5_vfio_pci}
 * @param wholeGroup  detach every endpoint of each device's IOMMU group (bridges are skipped)
 * @param force       detach even a device the host uses (never the root disk's)
 * @param dryRun      plan and report, write nothing (no journal either)
 * @param settleTimeout how long the kernel may take to show the device on the target driver, and then
 *                    {@code /dev/vfio/N}
 * @param perDevice   drivers asked for particular devices (a spec's {@code driver = …} per {@code [[hostdev]]}), in
 *                    the same spellings as {@code driver}; other devices get {@code driver}
 */
public record DetachOptions(String driver, boolean wholeGroup, boolean force, boolean dryRun, Duration settleTimeout,
                            Map<PciAddress, String> perDevice) {
    /** The driver QEMU's vfio-pci device needs. */
    public static final String VFIO_PCI = "vfio-pci";
    private static final Pattern DRIVER_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    /** Validates the driver name (it becomes a path component) and the timeout. */
    public DetachOptions {
        Objects.requireNonNull(driver);
        Objects.requireNonNull(settleTimeout);
        checkDriverName(driver);
        perDevice.values().forEach(DetachOptions::checkDriverName);
        perDevice = Map.copyOf(perDevice);
        if (settleTimeout.isNegative()) {
            throw HostdevException.usage("negative settle timeout: " + settleTimeout, null);
        }
    }

    /** The options with no per-device driver. */
    public DetachOptions(String driver, boolean wholeGroup, boolean force, boolean dryRun, Duration settleTimeout) {
        this(driver, wholeGroup, force, dryRun, settleTimeout, Map.of());
    }

    private static void checkDriverName(String driver) {
        if (!DRIVER_NAME.matcher(driver).matches() || driver.equals(".") || driver.equals("..")) {
            throw HostdevException.usage("not a driver name: '" + driver + "'",
                    "leave --driver out to pick the best VFIO driver, or name one such as vfio-pci, or say keep");
        }
    }

    /** The driver asked for this device: its own if given, else {@link #driver()}. */
    public String driverFor(PciAddress device) {
        return perDevice.getOrDefault(device, driver);
    }

    /** A copy asking for these drivers for these devices ({@code auto}, {@code keep} or a VFIO driver's name each). */
    public DetachOptions withDrivers(Map<PciAddress, String> drivers) {
        return new DetachOptions(driver, wholeGroup, force, dryRun, settleTimeout, drivers);
    }

    /**
     * The best VFIO driver for each device, the given devices only, no force, for real, waiting up to 5 s for the
     * binding and /dev/vfio/N.
     */
    public static DetachOptions defaults() {
        return new DetachOptions(DriverChooser.AUTO, false, false, false, Duration.ofSeconds(5));
    }

    /** A copy giving the devices to another driver. */
    public DetachOptions withDriver(String d) {
        return new DetachOptions(d, wholeGroup, force, dryRun, settleTimeout, perDevice);
    }

    /** A copy that does (or does not) take every endpoint of the devices' IOMMU groups. */
    public DetachOptions withWholeGroup(boolean g) {
        return new DetachOptions(driver, g, force, dryRun, settleTimeout, perDevice);
    }

    /** A copy that does (or does not) override the host-use guard (never for the root disk). */
    public DetachOptions withForce(boolean f) {
        return new DetachOptions(driver, wholeGroup, f, dryRun, settleTimeout, perDevice);
    }

    /** A copy that only plans (or carries out). */
    public DetachOptions withDryRun(boolean d) {
        return new DetachOptions(driver, wholeGroup, force, d, settleTimeout, perDevice);
    }

    /** A copy waiting this long for the binding and for /dev/vfio/N. */
    public DetachOptions withSettleTimeout(Duration t) {
        return new DetachOptions(driver, wholeGroup, force, dryRun, t, perDevice);
    }
}
