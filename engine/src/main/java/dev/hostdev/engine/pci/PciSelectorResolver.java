package dev.hostdev.engine.pci;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.sysfs.Sysfs;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * Finds the one PCI function a {@link PciSelector} names on this host, or fails naming the candidates; and,
 * the other way round, lists every selector that names a given function alone ({@code hostdev show}).
 * Everything is read under the {@link Sysfs} root, once, when first needed.
 */
public final class PciSelectorResolver {
    private final Sysfs sysfs;
    private List<SelectorFacts> facts;

    /** A resolver reading {@code sysfs}. */
    public PciSelectorResolver(Sysfs sysfs) {
        this.sysfs = sysfs;
    }

    /**
     * The selectors of one function, and what kept others from being known.
     *
     * @param selectors each selector that names this function alone, in CLI spelling
     * @param path      its topology path, if any (also among the selectors)
     * @param notes     why a selector could not be worked out (e.g. the serial number needs root)
     */
    public record Report(List<String> selectors, Optional<String> path, List<String> notes) {
        /** Copies the lists. */
        public Report {
            selectors = List.copyOf(selectors);
            notes = List.copyOf(notes);
        }
    }

    /** Facts about every readable function, in address order. */
    public List<SelectorFacts> facts() {
        if (facts == null) {
            List<PciSlots.Slot> slots = PciSlots.read(sysfs);
            List<SelectorFacts> all = new ArrayList<>();
            for (PciDevice d : new PciInventory(sysfs).all()) {
                DeviceSerials.Found serials = DeviceSerials.read(sysfs, d.sysfsPath());
                Optional<String> slot = slots.stream().filter(s -> s.holds(d.address())).map(PciSlots.Slot::label).findFirst();
                all.add(new SelectorFacts(d.address(), d.vendorId(), d.deviceId(), TopologyPath.of(d.sysfsPath()),
                        serials.serials(), slot, serials.notes()));
            }
            facts = List.copyOf(all);
        }
        return facts;
    }

    /** Every function the selector matches, in address order, its index ignored. */
    public List<PciAddress> matches(PciSelector selector) {
        return facts().stream().filter(f -> f.matches(selector)).map(SelectorFacts::address).toList();
    }

    /**
     * The one function the selector names.
     *
     * @throws HostdevException not_found when nothing matches (or the index is past the matches), usage when
     *                          several match and no index picks one; both name the candidates
     */
    public PciAddress resolve(PciSelector selector) {
        List<PciAddress> found = matches(selector);
        OptionalInt index = selector.index();
        if (found.isEmpty()) {
            throw HostdevException.notFound("no PCI device matches " + selector.spelling() + notesFor(selector),
                    "run 'hostdev show DEV' on the device you mean: it prints the selectors that name it on this host");
        }
        if (index.isPresent()) {
            if (index.getAsInt() >= found.size()) {
                throw HostdevException.notFound(selector.spelling() + " asks for match #" + index.getAsInt() + " but only "
                        + found.size() + " device" + (found.size() == 1 ? "" : "s") + " match: " + list(found),
                        "count from 0 in address order");
            }
            return found.get(index.getAsInt());
        }
        if (found.size() > 1) {
            String hint;
            if (selector instanceof PciSelector.Id i) {
                hint = "pick one by its rank in address order: " + new PciSelector.Id(i.vendor(), i.device(),
                        OptionalInt.of(0)).spelling() + " (in a spec: index = 0), or use a path: or serial: selector";
            } else if (selector instanceof PciSelector.Slot s) {
                hint = "pick one function by its rank: " + new PciSelector.Slot(s.label(), OptionalInt.of(0))
                        .spelling() + " (in a spec: index = 0)";
            } else {
                hint = "use a path: selector, which names one device ('hostdev show DEV' prints it)";
            }
            throw new HostdevException(ErrorCode.USAGE, selector.spelling() + " matches " + found.size() + " devices: "
                    + list(found), hint);
        }
        return found.get(0);
    }

    /** The selectors that name {@code address} alone on this host. */
    public Report report(PciAddress address) {
        Optional<SelectorFacts> mine = facts().stream().filter(f -> f.address().equals(address)).findFirst();
        if (mine.isEmpty()) {
            return new Report(List.of(), Optional.empty(), List.of("the device cannot be read, so no selector is known"));
        }
        SelectorFacts f = mine.get();
        List<String> out = new ArrayList<>();
        f.path().map(PciSelector.Path::new).filter(p -> unique(p, address)).ifPresent(p -> out.add(p.spelling()));
        for (String serial : f.serials()) {
            PciSelector.Serial s = new PciSelector.Serial(serial);
            if (unique(s, address)) {
                out.add(s.spelling());
            }
        }
        if (f.slot().isPresent()) {
            ranked(new PciSelector.Slot(f.slot().get(), OptionalInt.empty()), address)
                    .ifPresent(i -> out.add(new PciSelector.Slot(f.slot().get(), i).spelling()));
        }
        ranked(new PciSelector.Id(f.vendor(), f.device(), OptionalInt.empty()), address)
                .ifPresent(i -> out.add(new PciSelector.Id(f.vendor(), f.device(), i).spelling()));
        return new Report(out, f.path(), f.notes());
    }

    private boolean unique(PciSelector s, PciAddress address) {
        return matches(s).equals(List.of(address));
    }

    /** Empty index when the selector alone names the device; the rank when others match too. */
    private Optional<OptionalInt> ranked(PciSelector s, PciAddress address) {
        List<PciAddress> m = matches(s);
        int i = m.indexOf(address);
        if (i < 0) {
            return Optional.empty();
        }
        return Optional.of(m.size() == 1 ? OptionalInt.empty() : OptionalInt.of(i));
    }

    private String notesFor(PciSelector selector) {
        if (!(selector instanceof PciSelector.Serial)) {
            return "";
        }
        long unknown = facts().stream().filter(f -> !f.notes().isEmpty()).count();
        return unknown == 0 ? "" : " (the serial number of " + unknown + " device" + (unknown == 1 ? "" : "s")
                + " could not be read: config reads stop at 64 bytes unless run as root)";
    }

    private static String list(List<PciAddress> found) {
        return found.stream().map(PciAddress::toString).collect(Collectors.joining(", "));
    }
}
