package dev.hostdev.launcher.topology;

import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.Sysfs;
import java.util.Optional;

/**
 * {@link PciFacts} read from sysfs: the PCI Express capability (ID 0x10) found by walking the
 * capability list of {@code config}; where only the first 64 bytes of config can be read (not
 * root), by the {@code max_link_speed} attribute, which the kernel shows for PCI Express devices
 * only. BARs from {@code resource}.
 */
public final class SysfsPciFacts implements PciFacts {
    private static final int CAP_ID_EXP = 0x10;
    private static final int STATUS = 0x06;
    private static final int STATUS_CAP_LIST = 0x10;
    private static final int CAPABILITY_LIST = 0x34;
    private final Sysfs sysfs;

    /** @param sysfs where to read */
    public SysfsPciFacts(Sysfs sysfs) {
        this.sysfs = sysfs;
    }

    private static String dir(PciAddress a) {
        return "bus/pci/devices/" + a;
    }

    @Override
    public Optional<Boolean> isPcie(PciAddress address) {
        if (!sysfs.exists(dir(address))) {
            return Optional.empty();
        }
        Optional<byte[]> config = sysfs.readBytes(dir(address) + "/config", 256);
        if (config.isPresent() && config.get().length >= 256) {
            return Optional.of(hasCapability(config.get(), CAP_ID_EXP));
        }
        return Optional.of(sysfs.exists(dir(address) + "/max_link_speed"));
    }

    @Override
    public Optional<BarSizes> barSizes(PciAddress address) {
        if (!sysfs.exists(dir(address))) {
            return Optional.empty();
        }
        return Optional.of(BarSizes.parse(sysfs.read(dir(address) + "/resource").orElse("")));
    }

    /** Walks the standard capability list (bounded, so a looped list cannot hang). */
    static boolean hasCapability(byte[] config, int capId) {
        if ((config[STATUS] & STATUS_CAP_LIST) == 0) {
            return false;
        }
        int pos = config[CAPABILITY_LIST] & 0xfc;
        for (int hops = 0; hops < 48 && pos >= 0x40 && pos + 1 < config.length; hops++) {
            int id = config[pos] & 0xff;
            if (id == capId) {
                return true;
            }
            pos = config[pos + 1] & 0xfc;
        }
        return false;
    }
}
