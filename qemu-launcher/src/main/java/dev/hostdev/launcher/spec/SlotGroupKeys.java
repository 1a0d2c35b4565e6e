package dev.hostdev.launcher.spec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The {@code slot_group} and {@code function} keys of {@code [[device]]} tables, read across one file: the
 * devices of a group share one root port as the functions of one multi-function device. {@code function}
 * defaults to the device's place in its group (0, 1, … in file order); each function is taken once, and a
 * group needs a device at function 0 (QEMU sets {@code multifunction=on} there, and a guest probes a slot at
 * function 0 first: without it the others are never seen).
 */
final class SlotGroupKeys {
    static final String GROUP = "slot_group", FUNCTION = "function";

    private final Map<String, TreeMap<Integer, TomlTable>> groups = new LinkedHashMap<>();

    /** The device's place in its group, if the table names one. */
    Optional<FunctionSlot> read(TomlTable t, DeviceBus bus) {
        Optional<String> group = t.string(GROUP);
        Optional<Integer> function = t.integer(FUNCTION, 0, FunctionSlot.MAX_FUNCTION);
        if (group.isEmpty()) {
            if (function.isPresent()) {
                throw t.error(FUNCTION, "needs slot_group: it is the device's function in a slot it shares with others",
                        "add slot_group = \"name\" to this device and to the others of its slot");
            }
            return Optional.empty();
        }
        if (!VmSpecLoader.ID.matcher(group.get()).matches()) {
            throw t.error(GROUP, "'" + group.get() + "' is not a usable group name", "use letters, digits, '_' or '-', starting with a letter");
        }
        if (bus != DeviceBus.ROOT_PORT) {
            throw t.error(GROUP, "applies to devices on a root port of their own, not bus " + bus.specName(),
                    "remove slot_group, or use a PCI Express model on bus = \"root-port\"");
        }
        TreeMap<Integer, TomlTable> members = groups.computeIfAbsent(group.get(), g -> new TreeMap<>());
        int f = function.orElse(members.isEmpty() ? 0 : members.lastKey() + 1);
        if (f > FunctionSlot.MAX_FUNCTION) {
            throw t.error(GROUP, "'" + group.get() + "' already has function 7, the last a slot has", "a slot holds at most 8 functions");
        }
        TomlTable previous = members.putIfAbsent(f, t);
        if (previous != null) {
            throw t.error(function.isPresent() ? FUNCTION : GROUP, "puts a second device at function " + f + " of slot_group '"
                    + group.get() + "' (" + previous.name() + " is there)", "give each device of the group its own function = 0 … 7");
        }
        return Optional.of(new FunctionSlot(group.get(), f));
    }

    /** Checks every group has function 0. */
    void finish() {
        groups.forEach((name, members) -> {
            if (!members.containsKey(0)) {
                TomlTable first = members.firstEntry().getValue();
                throw first.error(FUNCTION, "is " + members.firstKey() + ", and no device of slot_group '" + name
                        + "' is at function 0: a guest never sees the other functions of a slot without it",
                        "put one device of the group at function = 0");
            }
        });
    }
}
