package dev.hostdev.launcher.spec;

import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.bind.DriverChooser;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.pci.PciSelector;
import dev.hostdev.engine.pci.PciSelectorResolver;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * The keys of a {@code [[hostdev]]} about SR-IOV and drivers: {@code vf_of} (a PF by address or selector),
 * {@code vf} (which VF), and {@code driver} ({@code auto}, {@code keep} or a VFIO driver's name, as
 * {@code detach --driver}).
 */
final class HostdevVfKeys {
    /** The most VFs a PF can have ({@code sriov_totalvfs} is 16 bits). */
    static final int MAX_VF = 65534;
    private static final Pattern DRIVER = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private HostdevVfKeys() {
    }

    /** {@code vf_of} with {@code vf}, if given; the PF resolved with {@code resolver} (null: left unresolved). */
    static Optional<VfOf> read(TomlTable t, PciSelectorResolver resolver) {
        Optional<Integer> index = t.integer("vf", 0, MAX_VF);
        Optional<String> text = t.string("vf_of");
        if (text.isEmpty()) {
            if (index.isPresent()) {
                throw t.error("vf", "picks a VF of the physical function vf_of names", "add vf_of = \"0000:03:00.0\" (the PF), or remove vf");
            }
            return Optional.empty();
        }
        OptionalInt rank = index.map(OptionalInt::of).orElse(OptionalInt.empty());
        if (PciSelector.isSelector(text.get())) {
            PciSelector selector = t.parsed("vf_of", PciSelector::parse).orElseThrow();
            Optional<PciAddress> pf = resolver == null ? Optional.empty()
                    : Optional.of(HostdevSelectorKeys.resolve(t, "vf_of", selector, resolver));
            return Optional.of(new VfOf(pf, Optional.of(selector), rank));
        }
        PciAddress pf = t.parsed("vf_of", s -> {
            try {
                return PciAddress.parse(s);
            } catch (HostdevException e) {
                throw HostdevException.usage(e.getMessage(), "name the physical function by its address (0000:03:00.0) or a selector: "
                        + PciSelector.SPELLINGS);
            }
        }).orElseThrow();
        return Optional.of(new VfOf(Optional.of(pf), Optional.empty(), rank));
    }

    /** {@code driver}: {@code auto} (the default), {@code keep}, or a driver's name (that it is a VFIO driver is the host's to say). */
    static String driver(TomlTable t) {
        Optional<String> d = t.string("driver");
        if (d.isEmpty()) {
            return DriverChooser.AUTO;
        }
        String v = d.get().strip();
        if (!DRIVER.matcher(v).matches() || v.equals(".") || v.equals("..")) {
            throw t.error("driver", "'" + d.get() + "' is not a driver name",
                    "use driver = \"auto\" (the best VFIO driver from modules.alias), \"keep\", or a VFIO driver such as \"vfio-pci\"");
        }
        return v;
    }
}
