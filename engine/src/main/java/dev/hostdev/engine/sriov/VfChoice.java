package dev.hostdev.engine.sriov;

import dev.hostdev.engine.pci.PciAddress;
import java.util.List;
import java.util.Objects;

/**
 * The VF of a physical function chosen for a VM, and why: what {@code vm start --dry-run} and {@code vm cmdline} print.
 *
 * @param pf      the physical function
 * @param vf      the VF chosen
 * @param enabled how many VFs the PF had enabled
 * @param skipped the VFs before it that were not free, each with what it is doing
 */
public record VfChoice(PciAddress pf, VirtualFunction vf, int enabled, List<String> skipped) {
    /** Copies the list. */
    public VfChoice {
        Objects.requireNonNull(pf);
        Objects.requireNonNull(vf);
        skipped = List.copyOf(skipped);
    }

    /** The VF's address. */
    public PciAddress address() {
        return vf.address();
    }

    /** e.g. {@code virtfn1 0000:03:00.2 of 0000:03:00.0 (driver (none); 2 VFs; skipped virtfn0 0000:03:00.1: used by …)}. */
    public String describe() {
        return "virtfn" + vf.index() + " " + vf.address() + " of " + pf + " (driver " + vf.driver().orElse("(none)") + "; "
                + enabled + " VF" + (enabled == 1 ? "" : "s") + " enabled"
                + (skipped.isEmpty() ? "" : "; skipped " + String.join("; ", skipped)) + ")";
    }
}
