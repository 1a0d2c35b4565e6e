package dev.hostdev.engine.bind;

import dev.hostdev.engine.HostdevException;
import java.util.Objects;

/**
 * One write of a plan: a value to a sysfs attribute, as one write() the kernel answers.
 *
 * @param attribute the attribute relative to {@code /sys}, e.g. {@code bus/pci/drivers_probe}
 * @param value     what is written; {@code "\n"} clears an attribute such as {@code driver_override}
 * @param onFailure whether a refusal aborts the operation (and rolls it back) or is only reported
 */
public record SysfsWrite(String attribute, String value, OnFailure onFailure) implements PlanStep {
    /** What a refused write means for the operation. */
    public enum OnFailure {
        /** Stop and roll back what was done. */
        ABORT,
        /** Report it and go on (a device reset the kernel cannot do, for instance). */
        WARN
    }

    /** Validates that the attribute stays inside /sys and the value is one line. */
    public SysfsWrite {
        Objects.requireNonNull(attribute);
        Objects.requireNonNull(value);
        Objects.requireNonNull(onFailure);
        if (attribute.isEmpty() || attribute.startsWith("/") || attribute.contains("..") || attribute.indexOf('\0') >= 0) {
            throw HostdevException.usage("not a sysfs attribute path: '" + attribute + "'", null);
        }
        if (value.indexOf('\0') >= 0 || value.indexOf('\n') >= 0 && !value.equals("\n")) {
            throw HostdevException.usage("a sysfs value must be one line: '" + value.replace("\n", "\\n") + "'", null);
        }
    }

    /** A write whose refusal aborts the operation. */
    public static SysfsWrite of(String attribute, String value) {
        return new SysfsWrite(attribute, value, OnFailure.ABORT);
    }

    /** The attribute as the host names it, e.g. {@code /sys/bus/pci/drivers_probe}. */
    public String hostPath() {
        return "/sys/" + attribute;
    }

    /** The value as printed: a clearing newline shows as {@code \n}. */
    public String displayValue() {
        return value.replace("\n", "\\n");
    }

    /** {@code write /sys/… value}: the line --dry-run and -v print. */
    @Override
    public String describe() {
        return "write " + hostPath() + " " + displayValue();
    }
}
