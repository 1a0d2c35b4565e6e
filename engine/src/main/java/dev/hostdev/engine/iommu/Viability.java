package dev.hostdev.engine.iommu;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Whether an IOMMU group can be given to a VM, and if not which members stop it.
 *
 * @param group    the group number
 * @param blockers the members bound to host drivers; empty when viable
 */
public record Viability(int group, List<Blocker> blockers) {
    /** Copies the list. */
    public Viability {
        blockers = List.copyOf(blockers);
    }

    /** No member is in the way. */
    public boolean viable() {
        return blockers.isEmpty();
    }

    /**
     * One line, e.g. {@code IOMMU group 14 is not viable: 0000:01:00.1 is still bound to snd_hda_intel;
     * detach it too or use --group}, or {@code IOMMU group 14 is viable}.
     */
    public String describe() {
        if (viable()) {
            return "IOMMU group " + group + " is viable";
        }
        String who = blockers.stream().map(Blocker::toString).collect(Collectors.joining(", "));
        return "IOMMU group " + group + " is not viable: " + who + "; detach "
                + (blockers.size() == 1 ? "it" : "them") + " too or use --group";
    }

    /** Throws the {@link ErrorCode#NOT_VIABLE} error when not viable. */
    public void requireViable() {
        if (!viable()) {
            throw new HostdevException(ErrorCode.NOT_VIABLE, describe(),
                    "every endpoint of an IOMMU group must be on vfio-pci, pci-stub or no driver; "
                            + "'hostdev groups' shows each group's members");
        }
    }
}
