package dev.hostdev.engine.pci;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * An entry of {@code /sys/bus/pci/devices} that could not be read in full: a name that is not a PCI
 * address as the kernel writes it, a link that points nowhere, or {@code vendor}, {@code device} or
 * {@code class} missing or holding what is not an ID. A listing reports it with what could be read
 * instead of leaving it out, and says what is wrong.
 *
 * @param name       the entry's name in {@code /sys/bus/pci/devices}, as read from the directory
 * @param address    the address the name spells, empty when it spells none
 * @param vendorId   the vendor ID, if it could be read
 * @param deviceId   the device ID, if it could be read
 * @param classCode  the class code, if it could be read
 * @param revision   the revision, if it could be read
 * @param driver     the bound driver, if the {@code driver} link could be read
 * @param iommuGroup the IOMMU group, if the {@code iommu_group} link could be read
 * @param problem    what could not be read, in words: {@code class holds 'zz', not a class code}
 */
public record UnreadablePciEntry(String name, Optional<PciAddress> address, OptionalInt vendorId,
        OptionalInt deviceId, OptionalInt classCode, OptionalInt revision, Optional<String> driver,
        OptionalInt iommuGroup, String problem) {

    /** Checks that every part is given. */
    public UnreadablePciEntry {
        Objects.requireNonNull(name);
        Objects.requireNonNull(address);
        Objects.requireNonNull(vendorId);
        Objects.requireNonNull(deviceId);
        Objects.requireNonNull(classCode);
        Objects.requireNonNull(revision);
        Objects.requireNonNull(driver);
        Objects.requireNonNull(iommuGroup);
        Objects.requireNonNull(problem);
    }

    /** The entry's name with control characters shown as {@code ?}, safe to print on a terminal. */
    public String printableName() {
        return printable(name);
    }

    /** The warning a listing prints: {@code /sys/bus/pci/devices/NAME: PROBLEM}. */
    public String warning() {
        return "/sys/bus/pci/devices/" + printableName() + ": " + problem;
    }

    /**
     * What could be read, in words: {@code vendor 8086, device 0a54, class unknown, revision unknown,
     * driver nvme, IOMMU group 5}.
     */
    public String whatWasRead() {
        return "vendor " + hex(vendorId, 4) + ", device " + hex(deviceId, 4) + ", class " + hex(classCode, 6)
                + ", revision " + hex(revision, 2) + ", driver " + driver.orElse("none")
                + ", IOMMU group " + (iommuGroup.isPresent() ? Integer.toString(iommuGroup.getAsInt()) : "none");
    }

    private static String hex(OptionalInt value, int digits) {
        if (value.isEmpty()) {
            return "unknown";
        }
        String h = Integer.toHexString(value.getAsInt());
        return "0".repeat(Math.max(0, digits - h.length())) + h;
    }

    static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().limit(80).forEach(c -> b.appendCodePoint(c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) ? '?' : c));
        return s.codePointCount(0, s.length()) > 80 ? b + "…" : b.toString();
    }
}
