package dev.hostdev.engine.bind;

import static dev.hostdev.engine.bind.Bench.GPU;
import static dev.hostdev.engine.bind.Bench.NIC;
import static dev.hostdev.engine.bind.Bench.devices;
import static dev.hostdev.engine.bind.Bench.vfio;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.state.StateDirectory;
import dev.hostdev.engine.testing.SimulatedKernel;
import dev.hostdev.engine.testing.TmpfsTempDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 item 5: {@code recover} trusts no journal entry. An entry that is not exactly what Hostdev
 * writes, was written during another boot, names a device that is not the one recorded, finds a device
 * on a driver the operation could not have left it on, or would change a device another manager holds is
 * reported and nothing is written for it, while valid entries beside it are still recovered.
 */
class RecoveryValidationTest {
    private static final String BOOT = "0d6b5c1e-3f39-4c61-9c8d-6a4f4f1e2b7a";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir(factory = TmpfsTempDir.class)
    Path dir;
    Bench b;

    @BeforeEach
    void setUp() throws Exception {
        b = new Bench(dir);
        b.tree.file("/proc/sys/kernel/random/boot_id", BOOT + "\n");
        // The NIC carries the host's network: interface eth0 up with the default route.
        Path eth = b.tree.pciDeviceDir(NIC.toString()).resolve("net/eth0");
        Files.createDirectories(eth);
        Files.writeString(eth.resolve("operstate"), "up\n");
        Files.createDirectories(b.tree.sysPath("class/net"));
        Files.createSymbolicLink(b.tree.sysPath("class/net/eth0"), b.tree.sysPath("class/net").relativize(eth));
        b.tree.file("/proc/net/route", "Iface\tDestination\tGateway\tFlags\neth0\t00000000\t010200C0\t0003\n");
        b.restart();
    }

    /** An interrupted detach of the NIC from e1000 to vfio-pci, before its first write, as Hostdev writes it. */
    private static ObjectNode nicDetachEntry(String id) {
        ObjectNode e = JSON.createObjectNode();
        e.put("id", id).put("operation", "detach").put("pid", 999_999).put("requester", "hostdev detach")
                .put("started_at", "2026-12-04T04:00:00Z").put("boot_id", BOOT);
        ObjectNode d = e.putArray("devices").addObject();
        d.put("address", NIC.toString()).put("pci_id", "8086:100e").put("original_driver", "e1000")
                .putNull("original_driver_override").putNull("recorded_driver").put("leave_unbound", false)
                .put("target_driver", "vfio-pci");
        d.putArray("steps").add("write 0000:04:01.0 > /sys/bus/pci/devices/0000:04:01.0/driver/unbind");
        d.put("steps_done", 0);
        return e;
    }

    private static ObjectNode device(ObjectNode entry) {
        return (ObjectNode) entry.get("devices").get(0);
    }

    private void write(ObjectNode entry) throws Exception {
        Path journal = new StateDirectory(b.tree.hostRoot()).journalDir();
        Files.createDirectories(journal);
        Files.write(journal.resolve(entry.get("id").asText() + ".json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(entry));
    }

    /** recover (and its dry run) refuses, naming the entry and the reason; nothing at all is written. */
    private HostdevException refused(ObjectNode entry, String reason) throws Exception {
        write(entry);
        HostdevException dry = assertThrows(HostdevException.class, () -> b.binder.recover(true));
        HostdevException e = assertThrows(HostdevException.class, () -> b.binder.recover(false));
        assertEquals(dry.code(), e.code());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        assertTrue(e.getMessage().contains("not acted on"), e.getMessage());
        assertEquals(List.of(), b.kernelWrites(), "nothing written for a refused entry");
        assertEquals("e1000", b.driver(NIC));
        assertEquals(1, b.journal().scan().refused().size() + b.journal().scan().entries().size(), "the entry is kept");
        return e;
    }

    private ObjectNode with(Consumer<ObjectNode> change) {
        ObjectNode e = nicDetachEntry("20261204T040000Z-999999-1");
        change.accept(e);
        return e;
    }

    @Test
    void misCasedKeysAreRefusedNotTakenAsDefaults() throws Exception {
        // The case: "Original_Driver" was ignored, the driver read as none, and recover unbound the NIC.
        HostdevException e = refused(with(x -> {
            ObjectNode d = device(x);
            d.set("Original_Driver", d.remove("original_driver"));
        }), "unknown key \"devices[0].Original_Driver\"; missing key \"devices[0].original_driver\"");
        assertEquals(ErrorCode.STATE, e.code());
        assertTrue(e.getMessage().contains("(mentions 0000:04:01.0)"), "what could be read of it: " + e.getMessage());
    }

    @Test
    void missingKeysAndWrongTypesAreRefused() throws Exception {
        refused(with(x -> device(x).remove("original_driver")), "original_driver");
        b.journal().scan(); // the file is rewritten below under the same name
        refused(with(x -> x.remove("boot_id")), "boot_id");
        refused(with(x -> x.put("pid", "999999")), "pid");
        refused(with(x -> device(x).put("original_driver", "../../../../devices/x")), "is not a driver name");
        refused(with(x -> device(x).put("address", "04:01.0")), "is not a canonical PCI address");
        refused(with(x -> device(x).put("steps_done", 7)), "steps_done 7 is outside 0..1");
        refused(with(x -> x.put("operation", "Detach")), "is not detach, reattach or sriov");
    }

    @Test
    void anEntryFromAnotherBootIsReportedAsEndedByARebootNotActedOn() throws Exception {
        write(with(x -> x.put("boot_id", "11111111-2222-3333-4444-555555555555")));
        assertEquals(List.of(), b.binder.recover(true).devices());
        assertEquals(List.of(), b.binder.recover(false).devices(), "neither refused nor recovered");
        assertEquals(List.of(), b.kernelWrites(), "nothing written for it");
        List<String> report = b.binder.previousBoot(false);
        assertEquals(1, report.size(), report.toString());
        assertTrue(report.get(0).contains("0000:04:01.0") && report.get(0).contains("ended by a host reboot")
                && report.get(0).contains("boot 11111111-2222-3333-4444-555555555555"), report.get(0));
        assertEquals(1, b.journal().scan().entries().size(), "kept until reported for good");
        assertTrue(b.binder.previousBoot(true).get(0).endsWith("entry removed"));
        assertEquals(0, b.journal().scan().entries().size());
        assertEquals("e1000", b.driver(NIC));
    }

    @Test
    void anotherDeviceAtTheAddressIsRefused() throws Exception {
        refused(with(x -> device(x).put("pci_id", "8086:10d3")), "0000:04:01.0 is now 8086:100e but the journal recorded 8086:10d3");
    }

    @Test
    void aDeviceOnADriverTheOperationCouldNotHaveLeftIsRefused() throws Exception {
        // Well-formed, but it says the NIC had no driver: rolling back would unbind e1000 under the host's network.
        refused(with(x -> device(x).putNull("original_driver")), "0000:04:01.0 is on e1000, where the interrupted detach could not");
    }

    @Test
    void aDeviceAQemuHoldsIsNotRolledBackUnderIt() throws Exception {
        b.binder.detach(devices(NIC, Bench.UNBOUND), vfio().withForce(true));
        assertEquals("vfio-pci", b.driver(NIC));
        b.tree.file("/proc/net/route", "Iface\tDestination\tGateway\tFlags\n");
        b.tree.file("/proc/4242/cmdline", String.join("\0", "qemu-system-x86_64", "-device", "vfio-pci,host=0000:04:01.0") + "\0");
        int before = b.kernel.writes().size();
        ObjectNode e = with(x -> { });
        write(e);
        HostdevException refusal = assertThrows(HostdevException.class, () -> b.binder.recover(false));
        assertEquals(ErrorCode.BUSY, refusal.code());
        assertTrue(refusal.getMessage().contains("in use by QEMU pid 4242"), refusal.getMessage());
        assertEquals(before, b.kernel.writes().size(), "nothing written");
        assertEquals("vfio-pci", b.driver(NIC));
    }

    @Test
    void validEntriesBesideARefusedOneAreStillRecovered() throws Exception {
        b.kernel.killAfterWrite(2);
        assertThrows(SimulatedKernel.SimulatedCrash.class, () -> b.binder.detach(devices(GPU), vfio().withWholeGroup(true)));
        b.restart();
        ObjectNode bad = with(x -> device(x).putNull("original_driver"));
        bad.put("id", "20261204T050000Z-999999-9");
        write(bad);
        HostdevException e = assertThrows(HostdevException.class, () -> b.binder.recover(false));
        assertTrue(e.getMessage().contains("1 journal entry was not acted on") && e.getMessage().contains("recovered 0000:01:00.0"),
                e.getMessage());
        assertEquals("nouveau", b.driver(GPU), "the valid entry was rolled back");
        assertEquals("e1000", b.driver(NIC), "the refused one was not acted on");
        assertEquals(1, b.journal().scan().entries().size(), "only the refused entry is left");
    }

    @Test
    void theJournalRecordsTheBootAndTheDevicesIdentity() throws Exception {
        b.kernel.killAfterWrite(1);
        assertThrows(SimulatedKernel.SimulatedCrash.class, () -> b.binder.detach(devices(GPU), vfio().withWholeGroup(true)));
        var entry = b.journal().pending().get(0);
        assertEquals(BOOT, entry.bootId());
        assertEquals("10de:1b80", entry.devices().get(0).pciId());
        b.tree.file("/proc/sys/kernel/random/boot_id", "99999999-2222-3333-4444-555555555555\n"); // "rebooted"
        b.restart();
        // The new boot binds the GPU as it should (apply at boot): the stale entry neither blocks nor undoes that.
        b.binder.detach(devices(GPU), vfio().withWholeGroup(true));
        assertEquals("vfio-pci", b.driver(GPU));
        int writes = b.kernel.writes().size();
        assertEquals(List.of(), b.binder.recover(false).devices());
        assertEquals(writes, b.kernel.writes().size(), "recover wrote nothing for the previous boot's entry");
        assertEquals("vfio-pci", b.driver(GPU), "not \"recovered\" back to nouveau");
        assertTrue(b.binder.previousBoot(false).get(0).contains("ended by a host reboot"));
    }

    @Test
    void aRefusedEntryBlocksOnlyTheDevicesItMentions() throws Exception {
        write(with(x -> device(x).set("Original_Driver", device(x).remove("original_driver"))));
        HostdevException e = assertThrows(HostdevException.class, () -> b.binder.detach(devices(NIC), vfio().withForce(true)));
        assertEquals(ErrorCode.STATE, e.code());
        assertTrue(e.getMessage().contains("cannot be trusted"), e.getMessage());
        b.binder.detach(devices(GPU), vfio().withWholeGroup(true));
        assertEquals("vfio-pci", b.driver(GPU));
    }
}
