package dev.hostdev.launcher.placement;

import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.Sysfs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host interrupts of a device given to a VM: the entries of its {@code msi_irqs} directory and every
 * {@code /proc/interrupts} line with a handler vfio-pci names after it ({@code vfio-msix[0](0000:b3:00.0)},
 * {@code vfio-msi[0](…)}, {@code vfio-intx(…)}). The INTx line exists as soon as QEMU has opened a device that has an
 * interrupt pin (QEMU's vfio-pci enables INTx at realize, before the guest runs); MSI and MSI-X vectors appear once the
 * guest's driver enables them. An INTx line can be shared: the kernel then lists its handlers comma-separated in the
 * order they were requested, and the line is the device's wherever its handler sits in that list.
 */
public final class VfioIrqs {
    private static final Pattern LINE = Pattern.compile("\\s*([0-9]+):(.*)");
    private static final Pattern HANDLER = Pattern.compile("(?<![\\w-])vfio-(?:msix|msi|intx)(?:\\[[0-9]+])?\\(([0-9a-fA-F:.]+)\\)");

    private final Sysfs sysfs;

    /** @param sysfs the host's sysfs; {@code /proc} is read under the same root */
    public VfioIrqs(Sysfs sysfs) {
        this.sysfs = sysfs;
    }

    /** The device's interrupt numbers, ascending. */
    public SortedSet<Integer> of(PciAddress device) {
        SortedSet<Integer> irqs = new TreeSet<>();
        for (String name : sysfs.list("bus/pci/devices/" + device + "/msi_irqs")) {
            if (name.matches("[0-9]{1,9}")) {
                irqs.add(Integer.parseInt(name));
            }
        }
        Path interrupts = sysfs.root().resolve("/proc/interrupts");
        try {
            for (String line : Files.readAllLines(interrupts, StandardCharsets.UTF_8)) {
                Matcher m = LINE.matcher(line);
                if (m.matches() && m.group(1).length() <= 9 && namesDevice(m.group(2), device)) {
                    irqs.add(Integer.parseInt(m.group(1)));
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // no /proc/interrupts (a tree without it): msi_irqs is what there is
        }
        return irqs;
    }

    private static boolean namesDevice(String handlers, PciAddress device) {
        Matcher h = HANDLER.matcher(handlers);
        while (h.find()) {
            if (device.equals(PciAddress.tryParse(h.group(1)))) {
                return true;
            }
        }
        return false;
    }
}
