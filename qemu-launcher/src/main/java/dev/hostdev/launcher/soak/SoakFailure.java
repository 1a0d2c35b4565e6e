package dev.hostdev.launcher.soak;

import dev.hostdev.engine.ErrorCode;
import java.util.Objects;

/**
 * What failed in a cycle.
 *
 * @param cycle   the cycle, from 1
 * @param phase   {@link Phase} that failed
 * @param device  the device id in the VM (or the host device, for a health check)
 * @param code    the error's stable code (the exit status of the soak when it stops on it)
 * @param message what went wrong, as the failing step said it
 * @param hint    the fix, or {@code null}
 */
public record SoakFailure(int cycle, Phase phase, String device, ErrorCode code, String message, String hint) {
    /** Where in a cycle a failure happened. */
    public enum Phase {
        /** {@code device_add} and its confirmation. */
        ATTACH,
        /** The guest check command. */
        GUEST_CHECK,
        /** {@code device_del} and the guest's {@code DEVICE_DELETED}. */
        UNPLUG,
        /** The host device after its release. */
        HEALTH;

        /** The name in JSON and text: {@code attach}, {@code guest-check}, {@code unplug}, {@code health}. */
        public String jsonName() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** Requires the parts. */
    public SoakFailure {
        Objects.requireNonNull(phase);
        Objects.requireNonNull(device);
        Objects.requireNonNull(code);
        Objects.requireNonNull(message);
    }

    /** {@code cycle 3: unplug of soak1 failed: …}. */
    public String describe() {
        return "cycle " + cycle + ": " + phase.jsonName() + " of " + device + " failed: " + message;
    }
}
