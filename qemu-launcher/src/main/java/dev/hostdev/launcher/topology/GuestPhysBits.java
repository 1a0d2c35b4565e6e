package dev.hostdev.launcher.topology;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * The guest's physical address width and where it comes from.
 *
 * @param bits   address bits; empty when unknown (KVM on a host whose /proc/cpuinfo has no "address sizes")
 * @param source how it was decided, for the plan's explanation ({@code "tcg default"}, {@code "host (/proc/cpuinfo)"}, {@code "phys_bits"})
 */
public record GuestPhysBits(OptionalInt bits, String source) {
    /** QEMU's phys-bits under TCG when none is given (TCG_PHYS_ADDR_BITS). */
    public static final int TCG_DEFAULT = 40;

    /** Requires the source. */
    public GuestPhysBits {
        Objects.requireNonNull(bits);
        Objects.requireNonNull(source);
    }

    /** The first address the guest cannot reach ({@code 2^bits}); {@link Long#MAX_VALUE} for unknown or 63+ bits. */
    public long limit() {
        return bits.isEmpty() || bits.getAsInt() >= 63 ? Long.MAX_VALUE : 1L << bits.getAsInt();
    }
}
