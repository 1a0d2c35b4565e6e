package dev.hostdev.engine.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.HostRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import dev.hostdev.engine.testing.TmpfsTempDir;
import org.junit.jupiter.api.io.TempDir;

/** The journal and device records: where they live, their JSON fields, atomic replacement. */
class StateFilesTest {
    @TempDir(factory = TmpfsTempDir.class)
    Path dir;
    StateDirectory state;

    @BeforeEach
    void setUp() {
        state = new StateDirectory(new HostRoot(dir));
    }

    @Test
    void deviceRecordsLiveUnderRunHostdevDevicesWithSnakeCaseFields() throws Exception {
        DeviceRecords records = new DeviceRecords(state);
        DeviceRecord r = new DeviceRecord("0000:01:00.0", "nouveau", null, "vfio-pci", "2026-11-24T18:00:00Z", 42, "vm web1");
        records.save(r);
        Path file = dir.resolve("run/hostdev/devices/0000:01:00.0.json");
        String json = Files.readString(file);
        for (String field : new String[] {"\"address\"", "\"original_driver\" : \"nouveau\"", "\"original_driver_override\" : null",
            "\"driver\" : \"vfio-pci\"", "\"detached_at\"", "\"detached_by_pid\" : 42", "\"detached_by\" : \"vm web1\""}) {
            assertTrue(json.contains(field), field + " in " + json);
        }
        assertEquals(r, records.find(PciAddress.parse("01:00.0")).orElseThrow());
        assertEquals(List.of(r), records.all());
        records.delete(r.pciAddress());
        assertTrue(records.find(r.pciAddress()).isEmpty());
        assertTrue(records.all().isEmpty());
    }

    @Test
    void aCorruptRecordIsAStateErrorNamingTheFile() throws Exception {
        Path file = dir.resolve("run/hostdev/devices/0000:01:00.0.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{not json");
        HostdevException e = assertThrows(HostdevException.class, () -> new DeviceRecords(state).find(PciAddress.parse("01:00.0")));
        assertEquals(ErrorCode.STATE, e.code());
        assertTrue(e.getMessage().contains(file.toString()));
    }

    @Test
    void journalEntriesAreReplacedWholeAndTemporaryLeftoversIgnored() throws Exception {
        Journal journal = new Journal(state);
        JournalEntry.JournalDevice d = new JournalEntry.JournalDevice("0000:01:00.0", "10de:1b80", "nouveau", null, null, false, "vfio-pci",
                List.of("write a", "write b"), 0);
        JournalEntry e = new JournalEntry("20261124T180000Z-1-1", "detach", 1, "test", "2026-11-24T18:00:00Z",
                "0d6b5c1e-3f39-4c61-9c8d-6a4f4f1e2b7a", List.of(d));
        journal.save(e);
        journal.save(e.withDevice(d.withStepsDone(2)));
        Files.writeString(dir.resolve("run/hostdev/journal/.20261124T180000Z-1-1.json.tmp-99"), "{torn");
        List<JournalEntry> pending = journal.pending();
        assertEquals(1, pending.size());
        assertEquals(2, pending.get(0).devices().get(0).stepsDone());
        assertEquals(pending, journal.pendingFor(PciAddress.parse("01:00.0")));
        assertEquals(List.of(), journal.pendingFor(PciAddress.parse("02:00.0")));
        journal.finish(e);
        assertEquals(List.of(), journal.pending());
    }

    @Test
    void badIdsAndAddressesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new JournalEntry("../x", "detach", 1, "t", "now", null, List.of()));
        assertThrows(HostdevException.class, () -> new DeviceRecord("../../etc", null, null, "vfio-pci", "now", 1, "t"));
    }
}
