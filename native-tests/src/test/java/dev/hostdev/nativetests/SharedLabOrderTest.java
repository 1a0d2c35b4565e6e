package dev.hostdev.nativetests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which classes share a lab VM, and how a guest left otherwise than found is reported (no VM needed). */
class SharedLabOrderTest {
    @Test
    void theStandardMachineClassesShareOneKeyAndVariantsHaveNone() {
        String key = LabClassOrder.sharedKey(LabKernelTest.class);
        assertNotNull(key);
        for (Class<?> c : List.of(DoctorInLabTest.class, HostdevInGuestTest.class, HotpluggedDeviceClaimTest.class, VmRunInLabTest.class)) {
            assertEquals(key, LabClassOrder.sharedKey(c), c.getSimpleName());
        }
        assertNull(LabClassOrder.sharedKey(BigBarInGuestTest.class), "a variant machine boots its own");
        assertNull(LabClassOrder.sharedKey(SharedLabOrderTest.class), "a class without a lab VM");
    }

    @Test
    void aDeviceLeftOnVfioPciAndAJournalEntryAreNamed() {
        GuestState boot = GuestState.parse("pci 0000:03:00.0 e1000e (null)\nvfio: vfio \njournal entries: \n");
        GuestState left = GuestState.parse("pci 0000:03:00.0 vfio-pci vfio-pci\nvfio: 13 vfio \njournal entries: 1.json \n");
        assertEquals(List.of(), boot.differences(GuestState.parse("pci 0000:03:00.0 e1000e (null)\nvfio: vfio\njournal entries:")));
        assertEquals(List.of("expected 'pci 0000:03:00.0 e1000e (null)'", "expected 'vfio: vfio'", "expected 'journal entries:'",
                "found 'pci 0000:03:00.0 vfio-pci vfio-pci'", "found 'vfio: 13 vfio'", "found 'journal entries: 1.json'"),
                boot.differences(left));
    }
}
