package dev.hostdev.nativetests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.launcher.lab.LabDevices;
import dev.hostdev.launcher.lab.LabMachine;
import dev.hostdev.launcher.lab.LabVm;
import dev.hostdev.launcher.lab.LabWalk;
import dev.hostdev.launcher.lab.StepOutcome;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 11.1 on a real kernel: inside the lab guest, hostdev starts a nested VM, hotplugs the spare NIC into it
 * ({@code attach --managed}: on vfio-pci, opened by the nested QEMU, on no command line), and then
 * {@code reattach} of that NIC is refused, naming the VM and {@code hostdev unplug}, without writing anything.
 * Before the claim registry read Hostdev's own records, that reattach wrote driver_override, reset the device
 * under the running VM and blocked in the kernel (vfio_unregister_group_dev) until the VM was killed.
 */
class HotpluggedDeviceClaimTest {
    @RegisterExtension
    static final LabVmExtension LAB = LabVmExtension.shared(LabMachine.standard());
    private static final String VM = "claimvm";

    @Test
    void reattachOfADeviceHotpluggedIntoARunningVmIsRefused() throws Exception {
        LabVm vm = LAB.vm();
        LabDevices dev = LabWalk.discover(vm);
        GuestHostdev hostdev = new GuestHostdev(vm, LAB.env().java(), LabVmExtension.hostdevJarOrSkip());
        String nic = dev.spareNic();
        Files.writeString(vm.exchangeDir().resolve(VM + ".toml"), "name = \"" + VM + "\"\nmemory = \"256M\"\ncpus = 1\nspare_root_ports = 2\n");
        Map<String, StepOutcome> o = hostdev.batch(List.of(
                GuestHostdev.state("before", nic),
                GuestCommand.hostdev("start", "vm", "start", LabVm.GUEST_EXCHANGE_DIR + "/" + VM + ".toml"),
                GuestCommand.hostdev("attach", "attach", VM, nic, "--managed", "--id", "held1"),
                GuestHostdev.state("attached", nic),
                GuestCommand.hostdev("reattach", "reattach", nic),
                GuestCommand.hostdev("reattach-dry", "reattach", "--dry-run", nic),
                GuestHostdev.state("after-refusal", nic),
                GuestCommand.hostdev("stop", "vm", "stop", VM, "--force"),
                GuestHostdev.state("after-stop", nic)));
        String original = GuestHostdev.parseState(o.get("before").stdout()).get(nic);
        assertEquals(0, o.get("start").exit(), o.get("start").stderr());
        assertEquals(0, o.get("attach").exit(), o.get("attach").stderr());
        assertTrue(GuestHostdev.parseState(o.get("attached").stdout()).get(nic).startsWith("vfio-pci"), o.get("attached").stdout());

        StepOutcome refused = o.get("reattach");
        assertEquals(6, refused.exit(), "reattach of a device a running VM holds is refused (busy): " + refused.stderr());
        assertTrue(refused.stderr().contains("VM " + VM) && refused.stderr().contains("held1, hotplugged"), refused.stderr());
        assertTrue(refused.stderr().contains("hostdev unplug " + VM + " held1"), "the fix is named: " + refused.stderr());
        assertEquals(6, o.get("reattach-dry").exit(), "its dry run refuses alike: " + o.get("reattach-dry").stderr());
        assertEquals(GuestHostdev.parseState(o.get("attached").stdout()).get(nic),
                GuestHostdev.parseState(o.get("after-refusal").stdout()).get(nic), "nothing was written");

        assertEquals(0, o.get("stop").exit(), o.get("stop").stderr());
        assertEquals(original, GuestHostdev.parseState(o.get("after-stop").stdout()).get(nic),
                "vm stop gave the managed NIC back to its driver");
    }
}
