package dev.hostdev.launcher.spec;

import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.pci.PciSelector;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * "A VF of this physical function" ({@code [[hostdev]] vf_of = "0000:03:00.0"}, optionally {@code vf = 3}): which VF
 * is chosen when the VM starts, the first free one unless {@code vf} names it.
 *
 * @param pf       the physical function: as written, or what {@code selector} resolved to on this host; empty for a
 *                 selector not resolved yet (a spec read without a host)
 * @param selector the PF's selector as written ({@code path:…}, {@code serial:…}, {@code slot:…}, {@code id:…}), if any
 * @param index    {@code vf = N}: that VF ({@code virtfnN}) only
 */
public record VfOf(Optional<PciAddress> pf, Optional<PciSelector> selector, OptionalInt index) {
    /** Requires an address or a selector. */
    public VfOf {
        Objects.requireNonNull(pf);
        Objects.requireNonNull(selector);
        Objects.requireNonNull(index);
        if (pf.isEmpty() && selector.isEmpty()) {
            throw new IllegalArgumentException("vf_of needs a PF");
        }
    }

    /** The PF as written, with what it resolved to: {@code 0000:03:00.0} or {@code 0000:03:00.0 (serial:ABC)}. */
    public String source() {
        String pfText = selector.isPresent() ? pf.map(a -> a + " (" + selector.get().spelling() + ")").orElse(selector.get().spelling())
                : pf.orElseThrow().toString();
        return "a VF of " + pfText + (index.isPresent() ? ", vf " + index.getAsInt() : "");
    }
}
