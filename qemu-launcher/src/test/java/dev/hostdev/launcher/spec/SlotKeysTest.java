package dev.hostdev.launcher.spec;

import static dev.hostdev.launcher.spec.Specs.error;
import static dev.hostdev.launcher.spec.Specs.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The spec keys of issue 14.2: functions and guest_slot of [[hostdev]], slot_group and function of [[device]]. */
class SlotKeysTest {
    private static final String HEAD = "name = \"vm\"\n";

    @Test
    void hostdevKeysAreRead() {
        VmSpec s = parse(HEAD + "[[hostdev]]\npci = \"01:00.0\"\nfunctions = \"all\"\n[[hostdev]]\npci = \"02:00.1\"\nguest_slot = \"own\"\n"
                + "[[hostdev]]\npci = \"03:00.0\"\nguest_slot = \"shared\"\n");
        assertEquals(List.of(new SlotKeys(true, false), new SlotKeys(false, true), SlotKeys.DEFAULT),
                s.hostdevs().stream().map(HostdevSpec::slotKeys).toList());
    }

    @Test
    void badHostdevKeysAreRefusedWithTheLine() {
        assertEquals("vm.toml:4: hostdev[0].functions must be \"all\", not '2'",
                error(HEAD + "[[hostdev]]\npci = \"01:00.0\"\nfunctions = \"2\"\n").getMessage());
        assertEquals("vm.toml:4: hostdev[0].functions = \"all\" belongs on function 0 of the device, not on 0000:01:00.1",
                error(HEAD + "[[hostdev]]\npci = \"01:00.1\"\nfunctions = \"all\"\n").getMessage());
        assertEquals("vm.toml:4: hostdev[0].guest_slot must be \"own\" or \"shared\", not 'alone'",
                error(HEAD + "[[hostdev]]\npci = \"01:00.0\"\nguest_slot = \"alone\"\n").getMessage());
        assertEquals("vm.toml:5: hostdev[0].guest_slot = \"own\" contradicts functions = \"all\", which gives the device's functions in one slot",
                error(HEAD + "[[hostdev]]\npci = \"01:00.0\"\nfunctions = \"all\"\nguest_slot = \"own\"\n").getMessage());
        assertEquals("vm.toml:4: hostdev[0].functions applies to PCI hostdevs only",
                error(HEAD + "[[hostdev]]\nusb = \"046d:c52b\"\nfunctions = \"all\"\n").getMessage());
    }

    @Test
    void slotGroupFunctionsDefaultToFileOrder() {
        VmSpec s = parse(HEAD + "[[device]]\nmodel = \"e1000e\"\nslot_group = \"g\"\n[[device]]\nmodel = \"e1000e\"\nslot_group = \"g\"\n"
                + "[[device]]\nmodel = \"e1000e\"\n");
        assertEquals(List.of(Optional.of(new FunctionSlot("g", 0)), Optional.of(new FunctionSlot("g", 1)), Optional.empty()),
                s.devices().stream().map(EmulatedDeviceSpec::slot).toList());
    }

    @Test
    void badSlotGroupsAreRefusedWithTheLine() {
        assertEquals("vm.toml:4: device[0].function needs slot_group: it is the device's function in a slot it shares with others",
                error(HEAD + "[[device]]\nmodel = \"e1000e\"\nfunction = 1\n").getMessage());
        assertEquals("vm.toml:8: device[1].function puts a second device at function 0 of slot_group 'g' (device[0] is there)",
                error(HEAD + "[[device]]\nmodel = \"e1000e\"\nslot_group = \"g\"\n[[device]]\nmodel = \"e1000e\"\nslot_group = \"g\"\nfunction = 0\n")
                        .getMessage());
        assertEquals("vm.toml:5: device[0].function is 1, and no device of slot_group 'g' is at function 0: a guest never sees the"
                        + " other functions of a slot without it",
                error(HEAD + "[[device]]\nmodel = \"e1000e\"\nslot_group = \"g\"\nfunction = 1\n").getMessage());
        assertEquals("vm.toml:4: device[0].slot_group applies to devices on a root port of their own, not bus bridge",
                error(HEAD + "[[device]]\nmodel = \"e1000\"\nslot_group = \"g\"\n").getMessage());
        assertEquals("vm.toml:5: device[0].function must be between 0 and 7, not 8",
                error(HEAD + "[[device]]\nmodel = \"e1000e\"\nslot_group = \"g\"\nfunction = 8\n").getMessage());
    }
}
