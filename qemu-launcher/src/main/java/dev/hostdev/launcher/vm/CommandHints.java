package dev.hostdev.launcher.vm;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import java.util.Collection;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The engine's errors about a managed device, told in the words of the VM command that asked for it. The
 * engine speaks to {@code hostdev detach} ("pass --force", "use --group"); {@code vm start} and {@code attach}
 * have neither option, so their users are pointed at what exists where they are: {@code hostdev detach}'s
 * options by name, {@code attach --managed}, or the spec key with where it is written.
 */
public final class CommandHints {
    /** The fix {@link dev.hostdev.engine.iommu.Viability#describe()} appends for {@code detach}. */
    static final Pattern DETACH_GROUP_FIX = Pattern.compile("; detach (it|them) too or use --group$");

    private CommandHints() {
    }

    /**
     * Runs an engine call for {@code attach DEV --managed}, retelling its refusals.
     *
     * @param device the host device being attached
     */
    public static <T> T forAttach(Supplier<T> engineCall, PciAddress device) {
        try {
            return engineCall.get();
        } catch (HostdevException e) {
            throw retold(e, device, "attach it again without --managed");
        }
    }

    /**
     * Runs an engine call for {@code vm start}, retelling its refusals.
     *
     * @param devices the managed devices being detached
     * @param where   where each is written in the spec ({@code [[hostdev]] at vm.toml:12})
     */
    public static <T> T forStart(Supplier<T> engineCall, Collection<PciAddress> devices, Function<PciAddress, String> where) {
        try {
            return engineCall.get();
        } catch (HostdevException e) {
            PciAddress device = devices.stream().filter(d -> e.getMessage().contains(d.toString())).findFirst()
                    .orElse(devices.isEmpty() ? null : devices.iterator().next());
            if (device == null) {
                throw e;
            }
            throw retold(e, device, "set managed = false in " + where.apply(device));
        }
    }

    private static HostdevException retold(HostdevException e, PciAddress device, String thenInHere) {
        if (e.code() == ErrorCode.HOST_IN_USE && e.hint() != null && e.hint().contains("--force")) {
            return new HostdevException(e.code(), e.getMessage(), "stop using it on the host first (unmount, swapoff, ip link set down, …);"
                    + " if you are sure, detach it yourself with 'hostdev detach " + device + " --force', then " + thenInHere, e);
        }
        if (e.code() == ErrorCode.NOT_VIABLE && DETACH_GROUP_FIX.matcher(e.getMessage()).find()) {
            return new HostdevException(e.code(), DETACH_GROUP_FIX.matcher(e.getMessage()).replaceFirst(""),
                    "every endpoint of an IOMMU group must be on vfio-pci or no driver: detach the others first"
                            + " ('hostdev detach --group " + device + "' detaches the whole group), then try again", e);
        }
        return e;
    }
}
