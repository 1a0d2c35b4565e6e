package dev.hostdev.engine.state;

import static dev.hostdev.engine.testing.RandomJsonText.anyLong;
import static dev.hostdev.engine.testing.RandomJsonText.maybe;
import static dev.hostdev.engine.testing.RandomJsonText.strings;
import static dev.hostdev.engine.testing.RandomJsonText.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hostdev.engine.json.NotAsWritten;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link DeviceRecordJson} and {@link JournalEntryJson} against their oracle, {@link Json#MAPPER} (how the files were
 * written and read before): the same bytes for every record, the same record read back.
 */
class StateJsonOracleTest {
    private static final int RECORDS = 2000;

    private static String address(Random rnd) {
        return String.format("%04x:%02x:%02x.%d", rnd.nextInt(0x10000), rnd.nextInt(256), rnd.nextInt(32), rnd.nextInt(8));
    }

    @Test
    void deviceRecordsAreWrittenAndReadAsTheMapperDoes() throws Exception {
        Random rnd = new Random(13);
        for (int i = 0; i < RECORDS; i++) {
            DeviceRecord r = new DeviceRecord(address(rnd), maybe(rnd, text(rnd)), maybe(rnd, text(rnd)), text(rnd), maybe(rnd, text(rnd)),
                    anyLong(rnd), maybe(rnd, text(rnd)), rnd.nextInt(4) == 0 ? null : strings(rnd));
            byte[] oracle = Json.MAPPER.writeValueAsBytes(r);
            byte[] mine = DeviceRecordJson.write(r);
            assertArrayEquals(oracle, mine, () -> new String(oracle, StandardCharsets.UTF_8) + "\n vs \n" + new String(mine, StandardCharsets.UTF_8));
            assertEquals(r, DeviceRecordJson.read(oracle));
            assertEquals(Json.MAPPER.readValue(oracle, DeviceRecord.class), DeviceRecordJson.read(oracle));
        }
    }

    @Test
    void journalEntriesAreWrittenAsTheMapperWritesThem() throws Exception {
        Random rnd = new Random(13);
        for (int i = 0; i < RECORDS; i++) {
            List<JournalEntry.JournalDevice> devices = new ArrayList<>();
            for (int n = rnd.nextInt(4); n > 0; n--) {
                devices.add(new JournalEntry.JournalDevice(address(rnd), maybe(rnd, text(rnd)), maybe(rnd, text(rnd)), maybe(rnd, text(rnd)),
                        maybe(rnd, text(rnd)), rnd.nextBoolean(), maybe(rnd, text(rnd)), strings(rnd),
                        rnd.nextBoolean() ? rnd.nextInt(5) : rnd.nextInt()));
            }
            JournalEntry e = new JournalEntry("20261204T150000Z-" + rnd.nextInt(1000) + "-" + i, text(rnd), anyLong(rnd),
                    maybe(rnd, text(rnd)), maybe(rnd, text(rnd)), maybe(rnd, text(rnd)), devices);
            byte[] oracle = Json.MAPPER.writeValueAsBytes(e);
            byte[] mine = JournalEntryJson.write(e);
            assertArrayEquals(oracle, mine, () -> new String(oracle, StandardCharsets.UTF_8) + "\n vs \n" + new String(mine, StandardCharsets.UTF_8));
            assertEquals(e, Json.MAPPER.readValue(mine, JournalEntry.class), "the mapper reads it back");
        }
    }

    /** Variations the mapper reads that the streaming reader reads alike. */
    private static final List<String> READ_ALIKE = List.of(
            "{\"driver\":\"vfio-pci\",\"address\":\"0000:01:00.0\",\"future\":[{\"x\":1}],\"pciAddress\":\"x\"}",
            "{\"address\":\"0000:01:00.0\",\"driver\":\"vfio-pci\",\"serials\":null,\"original_driver\":null}",
            "{\"address\":\"0000:01:00.0\",\"driver\":\"vfio-pci\",\"detached_by_pid\":-5,\"serials\":[\"a\",\"\"]}",
            "null");

    /** Left to the mapper: coerced or rejected there, as before. */
    private static final List<String> LEFT_TO_THE_MAPPER = List.of(
            "", "{", "[]", "{\"address\":\"0000:01:00.0\"}", "{\"address\":\"nope\",\"driver\":\"d\"}",
            "{\"address\":\"0000:01:00.0\",\"driver\":\"d\",\"detached_by_pid\":\"12\"}",
            "{\"address\":\"0000:01:00.0\",\"driver\":\"d\",\"detached_by_pid\":1.5}",
            "{\"address\":\"0000:01:00.0\",\"driver\":7}",
            "{\"address\":\"0000:01:00.0\",\"driver\":\"d\",\"serials\":\"s\"}",
            "{\"address\":\"0000:01:00.0\",\"driver\":\"d\",\"serials\":[1]}",
            "{\"address\":\"0000:01:00.0\",\"driver\":\"d\",\"driver\":\"e\"}");

    @Test
    void deviceRecordsTheMapperReadsAreReadAlikeAndTheRestLeftToIt() throws Exception {
        for (String json : READ_ALIKE) {
            byte[] b = json.getBytes(StandardCharsets.UTF_8);
            assertEquals(Json.MAPPER.readValue(b, DeviceRecord.class), DeviceRecordJson.read(b), json);
        }
        for (String json : LEFT_TO_THE_MAPPER) {
            assertThrows(NotAsWritten.class, () -> DeviceRecordJson.read(json.getBytes(StandardCharsets.UTF_8)), json);
        }
    }
}
