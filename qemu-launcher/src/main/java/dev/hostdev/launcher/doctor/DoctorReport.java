package dev.hostdev.launcher.doctor;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The results of every check, in the order they ran.
 *
 * @param checks the results
 */
public record DoctorReport(List<CheckResult> checks) {
    /** Copies the list. */
    public DoctorReport {
        checks = List.copyOf(checks);
    }

    /** Whether any check failed: {@code hostdev doctor} then exits with the environment status. */
    public boolean failed() {
        return checks.stream().anyMatch(c -> c.status() == CheckStatus.FAIL);
    }

    /** How many results have each status (every status present, possibly 0). */
    @JsonProperty("summary")
    public Map<String, Integer> summary() {
        Map<CheckStatus, Integer> counts = new EnumMap<>(CheckStatus.class);
        for (CheckStatus s : CheckStatus.values()) {
            counts.put(s, 0);
        }
        checks.forEach(c -> counts.merge(c.status(), 1, Integer::sum));
        Map<String, Integer> byLabel = new java.util.LinkedHashMap<>();
        counts.forEach((s, n) -> byLabel.put(s.label(), n));
        return byLabel;
    }

    /** The result of check {@code id} for the host (not a device), if it ran. */
    public java.util.Optional<CheckResult> host(String id) {
        return checks.stream().filter(c -> c.id().equals(id) && c.device() == null).findFirst();
    }

    /** The result of check {@code id} for {@code device}, if it ran. */
    public java.util.Optional<CheckResult> device(String id, String device) {
        return checks.stream().filter(c -> c.id().equals(id) && device.equals(c.device())).findFirst();
    }
}
