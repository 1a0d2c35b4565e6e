package dev.hostdev.launcher.doctor;

import com.fasterxml.jackson.annotation.JsonValue;

/** The outcome of one check. Only {@link #FAIL} makes {@code hostdev doctor} exit non-zero. */
public enum CheckStatus {
    /** Ready as far as this check can tell. */
    OK("ok"),
    /** Works, but something is likely to bite (slow, unsafe, or only under some conditions). */
    WARN("warn"),
    /** Passthrough will not work until the fix is applied. */
    FAIL("fail"),
    /** The check does not apply to this host (e.g. SELinux is not present). */
    NOT_APPLICABLE("n-a");

    private final String label;

    CheckStatus(String label) {
        this.label = label;
    }

    /** The status as printed and in JSON: {@code ok}, {@code warn}, {@code fail}, {@code n-a}. */
    @JsonValue
    public String label() {
        return label;
    }
}
