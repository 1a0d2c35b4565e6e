package dev.hostdev.engine.guard;

import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.HostRoot;
import java.util.Collection;
import java.util.List;

/**
 * A source of claims on host devices beyond what the engine reads itself ({@code /proc/*}{@code /cmdline},
 * libvirt's status files): for example the VM launcher's own records of the devices its running VMs hold,
 * hotplugged ones included. Sources are found with {@link java.util.ServiceLoader} ({@link Provider}), so every
 * {@link HostGuard}, in every command, consults them without the engine knowing who supplies them.
 */
public interface ClaimSource {
    /**
     * The claims this source knows of on {@code devices}.
     *
     * @return one claim per device held (none for devices it knows nothing of)
     */
    List<Claim> claims(Collection<PciAddress> devices);

    /** Makes the source for a host root; listed in {@code META-INF/services/dev.hostdev.engine.guard.ClaimSource$Provider}. */
    interface Provider {
        /** The source for the host under {@code root}. */
        ClaimSource forRoot(HostRoot root);
    }
}
