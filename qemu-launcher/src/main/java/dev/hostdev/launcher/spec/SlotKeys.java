package dev.hostdev.launcher.spec;

import java.util.Optional;

/**
 * How a PCI {@code [[hostdev]]} takes its guest slot when it is one function of a multi-function device
 * (a GPU's VGA and HDMI audio, a NIC's ports): {@code functions = "all"} on function 0 gives every function
 * of the device, and {@code guest_slot = "own"} keeps this function on a root port of its own even when the
 * spec gives the whole device. ({@code slot} is taken: it selects a device by its physical slot label.)
 *
 * @param allFunctions {@code functions = "all"}: every function of this (function 0) device is given, in one slot
 * @param ownSlot      {@code guest_slot = "own"}: never share a root port with the device's other functions
 */
public record SlotKeys(boolean allFunctions, boolean ownSlot) {
    /** Neither key: one function, sharing a slot with its siblings when the spec gives them all. */
    public static final SlotKeys DEFAULT = new SlotKeys(false, false);
    /** The keys, as messages list them. */
    static final String FUNCTIONS = "functions", GUEST_SLOT = "guest_slot";

    /** Reads the two keys of a {@code [[hostdev]]} table. */
    static SlotKeys read(TomlTable t) {
        Optional<String> functions = t.string(FUNCTIONS);
        if (functions.isPresent() && !functions.get().equals("all")) {
            throw t.error(FUNCTIONS, "must be \"all\", not '" + functions.get() + "'",
                    "write functions = \"all\" on function 0 to give every function of the device, or remove it to give this function only");
        }
        Optional<String> slot = t.string(GUEST_SLOT);
        if (slot.isPresent() && !slot.get().equals("own") && !slot.get().equals("shared")) {
            throw t.error(GUEST_SLOT, "must be \"own\" or \"shared\", not '" + slot.get() + "'",
                    "guest_slot = \"own\" puts this function on a root port of its own; \"shared\" (the default) keeps a whole"
                            + " multi-function device in one slot");
        }
        boolean all = functions.isPresent();
        boolean own = slot.map("own"::equals).orElse(false);
        if (all && own) {
            throw t.error(GUEST_SLOT, "= \"own\" contradicts functions = \"all\", which gives the device's functions in one slot",
                    "remove one of the two; give the functions one [[hostdev]] each with guest_slot = \"own\" to split them");
        }
        return new SlotKeys(all, own);
    }

    /** Whether either key was given. */
    public boolean isDefault() {
        return !allFunctions && !ownSlot;
    }
}
