package dev.hostdev.launcher.spec;

import java.util.Objects;

/**
 * An emulated device's place in a multi-function slot ({@code slot_group} and {@code function} of a
 * {@code [[device]]}): the devices of one group share one root port, each at its function, the one at
 * function 0 with {@code multifunction=on}. How the lab makes a two-function device to pass through whole.
 *
 * @param group    the group's name, as written
 * @param function 0 to 7
 */
public record FunctionSlot(String group, int function) {
    /** The most functions a slot has. */
    public static final int MAX_FUNCTION = 7;

    /** Checks the range. */
    public FunctionSlot {
        Objects.requireNonNull(group);
        if (function < 0 || function > MAX_FUNCTION) {
            throw new IllegalArgumentException("function " + function);
        }
    }
}
