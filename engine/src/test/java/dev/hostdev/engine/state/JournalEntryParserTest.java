package dev.hostdev.engine.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The strict reading of journal entries: what {@code recover} will act on is exactly what Hostdev writes. */
class JournalEntryParserTest {
    private static final String DEVICE = "{\"address\":\"0000:01:00.0\",\"pci_id\":\"10de:1b80\",\"original_driver\":\"nouveau\","
            + "\"original_driver_override\":null,\"recorded_driver\":null,\"leave_unbound\":false,\"target_driver\":\"vfio-pci\","
            + "\"steps\":[\"a\",\"b\"],\"steps_done\":1}";
    private static final String ENTRY = "{\"id\":\"20261204T040000Z-7-1\",\"operation\":\"detach\",\"pid\":7,\"requester\":\"hostdev detach\","
            + "\"started_at\":\"2026-12-04T04:00:00Z\",\"boot_id\":\"0d6b5c1e-3f39-4c61-9c8d-6a4f4f1e2b7a\",\"devices\":[" + DEVICE + "]}";

    private static String refused(String json) {
        return assertThrows(JournalEntryParser.InvalidEntry.class,
                () -> JournalEntryParser.parse(json.getBytes(StandardCharsets.UTF_8))).getMessage();
    }

    @Test
    void whatHostdevWritesIsTakenAsWritten() throws Exception {
        JournalEntry e = JournalEntryParser.parse(ENTRY.getBytes(StandardCharsets.UTF_8));
        assertEquals("nouveau", e.devices().get(0).originalDriver());
        assertEquals(1, e.devices().get(0).stepsDone());
        JournalEntry again = JournalEntryParser.parse(Json.MAPPER.writeValueAsBytes(e));
        assertEquals(e, again, "the writer's output reads back");
    }

    @Test
    void everyDeviationIsNamed() {
        assertTrue(refused(ENTRY.replace("\"pid\":7,", "\"pid\":7,\"pid\":8,")).contains("Duplicate field 'pid'"));
        assertTrue(refused(ENTRY + " {}").contains("Trailing token"), refused(ENTRY + " {}"));
        assertEquals("unknown key \"devices[0].Steps_Done\"; missing key \"devices[0].steps_done\"",
                refused(ENTRY.replace("\"steps_done\"", "\"Steps_Done\"")));
        assertTrue(refused(ENTRY.replace("\"leave_unbound\":false", "\"leave_unbound\":null")).contains("leave_unbound"));
        assertTrue(refused(ENTRY.replace("\"leave_unbound\":false", "\"leave_unbound\":\"false\"")).contains("leave_unbound"));
        assertTrue(refused(ENTRY.replace("]}", "," + DEVICE + "]}")).contains("0000:01:00.0 is listed twice"));
        assertTrue(refused(ENTRY.replace("10de:1b80", "10DE:1B80")).contains("is not vendor:device"));
        assertTrue(refused(ENTRY.replace("\"devices\":[" + DEVICE + "]", "\"devices\":[]")).contains("it names no device"));
        assertTrue(refused("[]").contains("is not a JSON object"));
    }

    @Test
    void whatCanBeReadOfARefusedEntryIsItsAddresses() {
        assertEquals(List.of("0000:01:00.0", "0000:02:00.0"),
                JournalEntryParser.addressesIn("{\"x\":\"0000:01:00.0\",\"y\":\"2:00.0 0000:02:00.0\"}".getBytes(StandardCharsets.UTF_8)));
    }
}
