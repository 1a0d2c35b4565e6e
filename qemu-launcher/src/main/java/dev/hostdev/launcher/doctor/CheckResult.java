package dev.hostdev.launcher.doctor;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What one check concluded.
 *
 * @param id      stable identifier of the check, e.g. {@code iommu} or {@code interrupt-remapping}
 * @param device  the PCI device a per-device check looked at, or {@code null} for host checks
 * @param status  the outcome
 * @param found   what was found on the host, with the file it came from where that helps
 * @param fix     the exact action that fixes it; required for {@code warn} and {@code fail}
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record CheckResult(String id, String device, CheckStatus status, String found, String fix) {
    private static final Pattern ID = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    /** Validates that the result is complete: a warning or failure always says how to fix it. */
    public CheckResult {
        Objects.requireNonNull(status, "status");
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("check id must be lower-case words joined by '-': " + id);
        }
        if (found == null || found.isBlank()) {
            throw new IllegalArgumentException("check " + id + " must say what it found");
        }
        if ((status == CheckStatus.WARN || status == CheckStatus.FAIL) && (fix == null || fix.isBlank())) {
            throw new IllegalArgumentException("check " + id + " is " + status.label() + " without a fix");
        }
    }

    /** A host-wide result that needs no fix. */
    public static CheckResult ok(String id, String found) {
        return new CheckResult(id, null, CheckStatus.OK, found, null);
    }

    /** A host-wide warning. */
    public static CheckResult warn(String id, String found, String fix) {
        return new CheckResult(id, null, CheckStatus.WARN, found, fix);
    }

    /** A host-wide failure. */
    public static CheckResult fail(String id, String found, String fix) {
        return new CheckResult(id, null, CheckStatus.FAIL, found, fix);
    }

    /** A check that does not apply here, saying why. */
    public static CheckResult notApplicable(String id, String why) {
        return new CheckResult(id, null, CheckStatus.NOT_APPLICABLE, why, null);
    }

    /** The same result attributed to a device. */
    public CheckResult forDevice(String address) {
        return new CheckResult(id, address, status, found, fix);
    }
}
