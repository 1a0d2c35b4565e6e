package dev.hostdev.launcher.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * What {@code query-status} answers, parsed once.
 *
 * @param running whether the guest's CPUs run
 * @param status  QEMU's run state, e.g. {@code running}, {@code paused}, {@code prelaunch}, {@code shutdown}
 */
public record QemuStatus(boolean running, String status) {
    /** Requires the status. */
    public QemuStatus {
        Objects.requireNonNull(status, "status");
    }

    /** Parses the {@code return} of {@code query-status}; a reply without {@code running} counts as not running. */
    public static QemuStatus of(JsonNode reply) {
        return new QemuStatus(reply.path("running").asBoolean(false), reply.path("status").asText("unknown"));
    }

    /** Whether QEMU is paused in the {@code shutdown} state: the guest powered off under {@code -action shutdown=pause}. */
    public boolean shutDown() {
        return "shutdown".equals(status);
    }
}
