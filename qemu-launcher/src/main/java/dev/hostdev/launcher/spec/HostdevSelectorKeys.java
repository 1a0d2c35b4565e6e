package dev.hostdev.launcher.spec;

import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.pci.PciSelector;
import dev.hostdev.engine.pci.PciSelectorResolver;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The keys of a {@code [[hostdev]]} that name a PCI device so that renumbering does not move it:
 * {@code path}, {@code serial}, {@code slot} and {@code vendor_device}, with {@code index} to pick among
 * several matches of {@code slot} or {@code vendor_device}. ({@code id} is already the QEMU device id, so
 * vendor and device IDs go in {@code vendor_device}.)
 */
final class HostdevSelectorKeys {
    /** The selector keys, in the order messages list them. */
    static final List<String> KEYS = List.of("path", "serial", "slot", "vendor_device");

    private HostdevSelectorKeys() {
    }

    /** The one selector key the table uses, if any; two of them are an error. */
    static Optional<String> present(TomlTable t) {
        List<String> used = new ArrayList<>();
        for (String key : KEYS) {
            if (t.has(key)) {
                used.add(key);
            }
        }
        if (used.size() > 1) {
            throw t.tableError("names the device twice (" + String.join(" and ", used) + ")",
                    "keep one selector: path, serial, slot or vendor_device (expect = … checks the IDs on top of it)");
        }
        return used.stream().findFirst();
    }

    /** The selector the table gives, if any, with its index. */
    static Optional<PciSelector> read(TomlTable t) {
        Optional<Integer> index = t.integer("index", 0, 9999);
        Optional<String> key = present(t);
        if (index.isPresent() && !(key.equals(Optional.of("slot")) || key.equals(Optional.of("vendor_device")))) {
            throw t.error("index", "picks among the devices a slot or vendor_device matches",
                    "remove index, or name the device with slot = … or vendor_device = …");
        }
        OptionalInt rank = index.map(OptionalInt::of).orElse(OptionalInt.empty());
        if (key.isEmpty()) {
            return Optional.empty();
        }
        return switch (key.get()) {
            case "path" -> t.parsed("path", PciSelector.Path::new).map(p -> p);
            case "serial" -> t.parsed("serial", PciSelector.Serial::new).map(s -> s);
            case "slot" -> {
                // A slot label is often a number: accept slot = 3 as well as slot = "3".
                var raw = t.raw("slot");
                if (raw != null && raw.isIntegralNumber() && raw.canConvertToLong() && raw.asLong() >= 0) {
                    yield Optional.of(new PciSelector.Slot(Long.toString(raw.asLong()), rank));
                }
                yield t.parsed("slot", s -> new PciSelector.Slot(s, rank)).map(s -> s);
            }
            default -> t.parsed("vendor_device", s -> PciSelector.Id.parse(s, rank)).map(s -> s);
        };
    }

    /** The device the selector names on this host; errors keep their code and gain the file and line. */
    static PciAddress resolve(TomlTable t, String key, PciSelector selector, PciSelectorResolver resolver) {
        try {
            return resolver.resolve(selector);
        } catch (HostdevException e) {
            HostdevException located = t.error(key, "= " + selector.spelling().substring(selector.spelling().indexOf(':') + 1)
                    + ": " + e.getMessage(), e.hint());
            throw new HostdevException(e.code(), located.getMessage(), located.hint(), e);
        }
    }
}
