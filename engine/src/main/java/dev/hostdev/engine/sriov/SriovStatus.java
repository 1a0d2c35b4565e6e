package dev.hostdev.engine.sriov;

import dev.hostdev.engine.pci.PciAddress;
import java.util.List;
import java.util.Optional;

/**
 * A physical function's SR-IOV state, as sysfs shows it.
 *
 * @param pf               the physical function
 * @param pfDriver         the PF's driver (it creates the VFs), if bound
 * @param totalVfs         {@code sriov_totalvfs}
 * @param numVfs           {@code sriov_numvfs}
 * @param driversAutoprobe {@code sriov_drivers_autoprobe}: whether new VFs are probed by host drivers; empty if unreadable
 * @param vfs              the VFs, in {@code virtfnN} order
 */
public record SriovStatus(PciAddress pf, Optional<String> pfDriver, int totalVfs, int numVfs,
                          Optional<Boolean> driversAutoprobe, List<VirtualFunction> vfs) {
    /** Copies the list. */
    public SriovStatus {
        vfs = List.copyOf(vfs);
    }
}
