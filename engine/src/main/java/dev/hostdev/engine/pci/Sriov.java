package dev.hostdev.engine.pci;

import java.util.List;

/**
 * A physical function's SR-IOV state.
 *
 * @param totalVfs {@code sriov_totalvfs}: how many VFs the device can offer
 * @param numVfs   {@code sriov_numvfs}: how many are enabled
 * @param vfs      the enabled VFs' addresses, in VF order ({@code virtfn0}, {@code virtfn1}, …)
 */
public record Sriov(int totalVfs, int numVfs, List<PciAddress> vfs) {
    /** Copies the list. */
    public Sriov {
        vfs = List.copyOf(vfs);
    }
}
