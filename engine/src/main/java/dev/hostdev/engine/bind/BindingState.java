package dev.hostdev.engine.bind;

import java.util.Optional;

/**
 * What decides which driver a device ends up with: the driver bound now and {@code driver_override}.
 *
 * @param driver   the driver bound now, empty if none
 * @param override the {@code driver_override}, empty when it reads {@code (null)}
 */
public record BindingState(Optional<String> driver, Optional<String> override) {
    /** Rejects nulls. */
    public BindingState {
        driver = driver == null ? Optional.empty() : driver;
        override = override == null ? Optional.empty() : override;
    }

    /** A state from nullable names. */
    public static BindingState of(String driver, String override) {
        return new BindingState(Optional.ofNullable(driver), Optional.ofNullable(override));
    }

    /** Whether the device is bound to that driver. */
    public boolean boundTo(String name) {
        return driver.isPresent() && driver.get().equals(name);
    }

    @Override
    public String toString() {
        return "driver " + driver.orElse("(none)") + ", driver_override " + override.orElse("(null)");
    }
}
