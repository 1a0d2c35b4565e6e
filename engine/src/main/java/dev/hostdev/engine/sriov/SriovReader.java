package dev.hostdev.engine.sriov;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.guard.Claim;
import dev.hostdev.engine.guard.HostGuard;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.Sysfs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Reads a physical function's SR-IOV state: counts, autoprobe, and each VF with its driver, group and holder. */
public final class SriovReader {
    private static final Pattern VIRTFN = Pattern.compile("virtfn([0-9]{1,5})");
    private final Sysfs sysfs;
    private final HostGuard guard;

    public SriovReader(Sysfs sysfs) {
        this.sysfs = sysfs;
        this.guard = new HostGuard(sysfs);
    }

    /**
     * @throws HostdevException NOT_FOUND for an absent device, USAGE for one that is not an SR-IOV PF (a VF is named
     *                          as such, with its PF), STATE for counts that cannot be read
     */
    public SriovStatus read(PciAddress pf) {
        String dev = "bus/pci/devices/" + pf;
        if (!sysfs.isDirectory(dev)) {
            throw new HostdevException(ErrorCode.NOT_FOUND, pf + " is not a device", "list devices with 'hostdev list'");
        }
        if (!sysfs.exists(dev + "/sriov_totalvfs")) {
            Optional<String> physfn = sysfs.linkName(dev + "/physfn");
            throw HostdevException.usage(pf + " is not an SR-IOV physical function (no sriov_totalvfs)"
                    + physfn.map(p -> ": it is a VF of " + p).orElse(""),
                    physfn.map(p -> "run 'hostdev sriov " + p + "'").orElse("'hostdev list' shows which devices have VFs"));
        }
        int total = number(dev, "sriov_totalvfs");
        int num = number(dev, "sriov_numvfs");
        Optional<Boolean> autoprobe = sysfs.read(dev + "/sriov_drivers_autoprobe").map(String::strip)
                .filter(v -> v.equals("0") || v.equals("1")).map(v -> v.equals("1"));
        Map<Integer, PciAddress> links = new TreeMap<>();
        for (String name : sysfs.list(dev)) {
            Matcher m = VIRTFN.matcher(name);
            if (m.matches()) {
                sysfs.linkName(dev + "/" + name).map(PciAddress::tryParse).ifPresent(a -> links.put(Integer.parseInt(m.group(1)), a));
            }
        }
        Map<PciAddress, String> holders = guard.claims(links.values()).stream()
                .collect(Collectors.groupingBy(Claim::device, Collectors.mapping(Claim::holder, Collectors.joining("; "))));
        List<VirtualFunction> vfs = new ArrayList<>();
        for (Map.Entry<Integer, PciAddress> e : links.entrySet()) {
            String vf = "bus/pci/devices/" + e.getValue();
            vfs.add(new VirtualFunction(e.getKey(), e.getValue(), sysfs.linkName(vf + "/driver"),
                    sysfs.linkName(vf + "/iommu_group"), Optional.ofNullable(holders.get(e.getValue()))));
        }
        return new SriovStatus(pf, sysfs.linkName(dev + "/driver"), total, num, autoprobe, vfs);
    }

    private int number(String dev, String attribute) {
        String v = sysfs.read(dev + "/" + attribute).map(String::strip).orElse("");
        try {
            int n = Integer.parseInt(v);
            if (n >= 0 && n <= 65535) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new HostdevException(ErrorCode.STATE, "cannot read /sys/" + dev + "/" + attribute + " as a count: '" + v + "'",
                "check the device with 'hostdev show'");
    }
}
