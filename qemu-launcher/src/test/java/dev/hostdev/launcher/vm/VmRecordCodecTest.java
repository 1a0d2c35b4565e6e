package dev.hostdev.launcher.vm;

import static dev.hostdev.engine.testing.RandomJsonText.maybe;
import static dev.hostdev.engine.testing.RandomJsonText.strings;
import static dev.hostdev.engine.testing.RandomJsonText.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.json.NotAsWritten;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link VmRecordCodec} against the oracle it replaced, {@code ObjectMapper}: the same bytes for every record, the same
 * record back from the mapper's bytes, and the same errors for damaged records.
 */
class VmRecordCodecTest {
    /** The mapper as VmRecordFile had it. */
    private static final ObjectMapper ORACLE = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final int RECORDS = 2000;

    @TempDir
    Path vms;

    private static ProcessIdentity process(Random rnd) {
        if (rnd.nextInt(3) == 0) {
            return null;
        }
        long pid = rnd.nextBoolean() ? 1 + rnd.nextInt(4_000_000) : Long.MAX_VALUE - rnd.nextInt(10);
        long start = switch (rnd.nextInt(3)) {
            case 0 -> 0;
            case 1 -> Long.MIN_VALUE + rnd.nextInt(10);
            default -> rnd.nextLong();
        };
        return new ProcessIdentity(pid, start, maybe(rnd, text(rnd)), maybe(rnd, text(rnd)));
    }

    private static Slot slot(Random rnd) {
        Long reserve = switch (rnd.nextInt(4)) {
            case 0 -> null;
            case 1 -> 0L;
            case 2 -> 1L << 34;
            default -> rnd.nextLong();
        };
        return new Slot(SlotKind.values()[rnd.nextInt(SlotKind.values().length)], text(rnd), text(rnd), text(rnd), text(rnd),
                maybe(rnd, text(rnd)), maybe(rnd, text(rnd)), reserve);
    }

    private static VmRecord record(Random rnd) {
        List<Slot> slots = new ArrayList<>();
        for (int i = rnd.nextInt(5); i > 0; i--) {
            slots.add(slot(rnd));
        }
        List<VmDevice> devices = new ArrayList<>();
        for (int i = rnd.nextInt(4); i > 0; i--) {
            devices.add(new VmDevice(text(rnd), text(rnd), text(rnd), maybe(rnd, text(rnd)), maybe(rnd, text(rnd)), maybe(rnd, text(rnd)),
                    rnd.nextBoolean(), rnd.nextBoolean()));
        }
        VmEnd ended = rnd.nextInt(3) == 0 ? null
                : new VmEnd("r" + text(rnd), switch (rnd.nextInt(3)) {
                    case 0 -> null;
                    case 1 -> true;
                    default -> false;
                }, maybe(rnd, text(rnd)));
        int spare = switch (rnd.nextInt(4)) {
            case 0 -> 0;
            case 1 -> Integer.MAX_VALUE;
            case 2 -> Integer.MIN_VALUE;
            default -> rnd.nextInt(64);
        };
        return new VmRecord(text(rnd), maybe(rnd, text(rnd)), rnd.nextInt(4) == 0 ? null : strings(rnd),
                VmState.values()[rnd.nextInt(VmState.values().length)], process(rnd), process(rnd), maybe(rnd, text(rnd)), spare,
                maybe(rnd, text(rnd)), new SlotMap(slots), rnd.nextInt(4) == 0 ? null : devices,
                rnd.nextInt(4) == 0 ? null : strings(rnd), ended);
    }

    @Test
    void everyRecordIsWrittenAsTheMapperWritesItAndReadBackAsTheMapperReadsIt() throws Exception {
        Random rnd = new Random(13);
        for (int i = 0; i < RECORDS; i++) {
            VmRecord r = record(rnd);
            byte[] oracle = ORACLE.writeValueAsBytes(r);
            byte[] mine = VmRecordCodec.write(r);
            assertArrayEquals(oracle, mine, () -> "record " + r + "\n oracle " + new String(oracle, StandardCharsets.UTF_8)
                    + "\n codec  " + new String(mine, StandardCharsets.UTF_8));
            assertEquals(r, VmRecordCodec.read(oracle), "read back without the mapper");
            assertEquals(ORACLE.readValue(oracle, VmRecord.class), VmRecordCodec.read(oracle));
        }
    }

    @Test
    void everyStateAndSlotKindIsWrittenByName() throws Exception {
        for (VmState s : VmState.values()) {
            for (SlotKind k : SlotKind.values()) {
                VmRecord r = new VmRecord("web", null, null, s, null, null, null, 0, null,
                        new SlotMap(List.of(new Slot(k, "pci.1", "0x0", "pci.1", "spare", null, null))), null, null, null);
                assertArrayEquals(ORACLE.writeValueAsBytes(r), VmRecordCodec.write(r));
                assertEquals(r, VmRecordCodec.read(VmRecordCodec.write(r)));
            }
        }
    }

    /** Variations the mapper reads that the codec must read the same without it. */
    private static final List<String> READ_WITHOUT_MAPPER = List.of(
            // keys in another order, unknown keys (of every JSON type) skipped, @JsonIgnore'd getters' names ignored
            "{\"state\":\"RUNNING\",\"slots\":{\"slots\":[],\"x\":1},\"name\":\"web\",\"future\":{\"a\":[1,{\"b\":null}]},\"qemuAlive\":true}",
            // missing keys: null, 0, false, empty lists
            "{\"name\":\"web\",\"state\":\"STOPPED\",\"slots\":{\"slots\":[]},\"argv\":null,\"devices\":null,\"managed\":null,"
                    + "\"qemu\":null,\"ended\":null,\"usbBus\":null}",
            "{\"name\":\"web\",\"state\":\"PAUSED\",\"slots\":{\"slots\":[{\"kind\":\"BRIDGE_SLOT\",\"bus\":\"b\",\"addr\":\"0x1\","
                    + "\"rootPort\":\"pci.3\",\"role\":\"bridge_slot\",\"free\":false,\"pref64Reserve\":null}]},"
                    + "\"devices\":[{\"id\":\"a\",\"driver\":\"e1000e\",\"bus\":\"pci.1\"}],"
                    + "\"qemu\":{\"pid\":5,\"alive\":true},\"ended\":{\"reason\":\"x\",\"crash\":true}}",
            // trailing content after the record: ignored by the mapper's defaults
            "{\"name\":\"web\",\"state\":\"RUNNING\",\"slots\":{\"slots\":[]}} trailing",
            "null",
            "  null  ");

    @Test
    void variationsTheMapperReadsAreReadAlikeWithoutIt() throws Exception {
        for (String json : READ_WITHOUT_MAPPER) {
            byte[] b = json.getBytes(StandardCharsets.UTF_8);
            assertEquals(ORACLE.readValue(b, VmRecord.class), VmRecordCodec.read(b), json);
        }
    }

    /** Records the codec leaves to the mapper: coerced values (read alike) and damaged ones (rejected alike). */
    private static final List<String> LEFT_TO_THE_MAPPER = List.of(
            "",
            "   ",
            "{damaged",
            "[]",
            "\"web\"",
            "42",
            "{\"name\":\"web\"",
            "{\"name\":\"web\",\"state\":\"RUNNING\",\"slots\":{\"slots\":[]}",
            "{\"name\":null,\"state\":\"RUNNING\",\"slots\":{\"slots\":[]}}",
            "{\"state\":\"RUNNING\",\"slots\":{\"slots\":[]}}",
            "{\"name\":\"web\",\"slots\":{\"slots\":[]}}",
            "{\"name\":\"web\",\"state\":\"RUNNING\"}",
            "{\"name\":\"web\",\"state\":\"running\",\"slots\":{\"slots\":[]}}",
            "{\"name\":\"web\",\"state\":\"BOILING\",\"slots\":{\"slots\":[]}}",
            "{\"name\":\"web\",\"state\":1,\"slots\":{\"slots\":[]}}",
            "{\"name\":\"web\",\"state\":\"\",\"slots\":{\"slots\":[]}}",
            "{\"name\":{},\"state\":\"RUNNING\",\"slots\":{\"slots\":[]}}",
            "{\"name\":[\"web\"],\"state\":\"RUNNING\",\"slots\":{\"slots\":[]}}",
            "{\"name\":\"web\",\"spec\":7,\"state\":\"RUNNING\",\"slots\":{\"slots\":[]}}",
            "{\"name\":\"web\",\"spec\":true,\"state\":\"RUNNING\",\"slots\":{\"slots\":[]}}",
            "{\"name\":\"web\",\"spec\":1.5,\"state\":\"RUNNING\",\"slots\":{\"slots\":[]}}",
            "{\"name\":\"web\",\"argv\":\"qemu\",\"state\":\"RUNNING\",\"slots\":{\"slots\":[]}}",
            "{\"name\":\"web\",\"argv\":[1,true],\"state\":\"RUNNING\",\"slots\":{\"slots\":[]}}",
            "{\"name\":\"web\",\"argv\":[null],\"state\":\"RUNNING\",\"slots\":{\"slots\":[]}}",
            "{\"name\":\"web\",\"argv\":{},\"state\":\"RUNNING\",\"slots\":{\"slots\":[]}}",
            "{\"name\":\"web\",\"state\":\"RUNNING\",\"spareRootPorts\":\"3\",\"slots\":{\"slots\":[]}}",
            "{\"name\":\"web\",\"state\":\"RUNNING\",\"spareRootPorts\":\"three\",\"slots\":{\"slots\":[]}}",
            "{\"name\":\"web\",\"state\":\"RUNNING\",\"spareRootPorts\":2.7,\"slots\":{\"slots\":[]}}",
            "{\"name\":\"web\",\"state\":\"RUNNING\",\"spareRootPorts\":null,\"slots\":{\"slots\":[]}}",
            "{\"name\":\"web\",\"state\":\"RUNNING\",\"spareRootPorts\":99999999999,\"slots\":{\"slots\":[]}}",
            "{\"name\":\"web\",\"state\":\"RUNNING\",\"spareRootPorts\":true,\"slots\":{\"slots\":[]}}",
            "{\"name\":\"web\",\"state\":\"RUNNING\",\"slots\":{\"slots\":[]},\"qemu\":{\"pid\":0}}",
            "{\"name\":\"web\",\"state\":\"RUNNING\",\"slots\":{\"slots\":[]},\"qemu\":{\"pid\":-4,\"startEpochMillis\":1}}",
            "{\"name\":\"web\",\"state\":\"RUNNING\",\"slots\":{\"slots\":[]},\"qemu\":{\"pid\":\"12\",\"startEpochMillis\":1}}",
            "{\"name\":\"web\",\"state\":\"RUNNING\",\"slots\":{\"slots\":[]},\"qemu\":{\"pid\":12,\"startEpochMillis\":1e3}}",
            "{\"name\":\"web\",\"state\":\"RUNNING\",\"slots\":{\"slots\":[]},\"qemu\":{\"pid\":123456789012345678901234567890}}",
            "{\"name\":\"web\",\"state\":\"RUNNING\",\"slots\":{\"slots\":[]},\"qemu\":7}",
            "{\"name\":\"web\",\"state\":\"RUNNING\",\"slots\":{\"slots\":[]},\"qemu\":[]}",
            "{\"name\":\"web\",\"state\":\"RUNNING\",\"slots\":null}",
            "{\"name\":\"web\",\"state\":\"STOPPED\",\"slots\":{}}",
            "{\"name\":\"web\",\"state\":\"RUNNING\",\"slots\":[]}",
            "{\"name\":\"web\",\"state\":\"RUNNING\",\"slots\":{\"slots\":null}}",
            "{\"name\":\"web\",\"state\":\"RUNNING\",\"slots\":{\"slots\":[null]}}",
            "{\"name\":\"web\",\"state\":\"RUNNING\",\"slots\":{\"slots\":[{\"kind\":\"ROOT_PORT\"}]}}",
            "{\"name\":\"web\",\"state\":\"RUNNING\",\"slots\":{\"slots\":[{\"kind\":\"PORT\",\"bus\":\"a\",\"addr\":\"0x0\","
                    + "\"rootPort\":\"a\",\"role\":\"spare\"}]}}",
            "{\"name\":\"web\",\"state\":\"RUNNING\",\"slots\":{\"slots\":[{\"kind\":\"ROOT_PORT\",\"bus\":\"a\",\"addr\":\"0x0\","
                    + "\"rootPort\":\"a\",\"role\":\"spare\",\"pref64Reserve\":\"big\"}]}}",
            "{\"name\":\"web\",\"state\":\"RUNNING\",\"slots\":{\"slots\":[]},\"devices\":[{\"id\":\"a\"}]}",
            "{\"name\":\"web\",\"state\":\"RUNNING\",\"slots\":{\"slots\":[]},\"devices\":[null]}",
            "{\"name\":\"web\",\"state\":\"RUNNING\",\"slots\":{\"slots\":[]},\"devices\":{}}",
            "{\"name\":\"web\",\"state\":\"RUNNING\",\"slots\":{\"slots\":[]},\"devices\":[{\"id\":\"a\",\"driver\":\"d\",\"bus\":\"b\","
                    + "\"managed\":\"yes\"}]}",
            "{\"name\":\"web\",\"state\":\"RUNNING\",\"slots\":{\"slots\":[]},\"devices\":[{\"id\":\"a\",\"driver\":\"d\",\"bus\":\"b\","
                    + "\"managed\":1,\"hotplugged\":\"true\"}]}",
            "{\"name\":\"web\",\"state\":\"RUNNING\",\"slots\":{\"slots\":[]},\"devices\":[{\"id\":\"a\",\"driver\":\"d\",\"bus\":\"b\","
                    + "\"managed\":null}]}",
            "{\"name\":\"web\",\"state\":\"RUNNING\",\"slots\":{\"slots\":[]},\"ended\":{}}",
            "{\"name\":\"web\",\"state\":\"RUNNING\",\"slots\":{\"slots\":[]},\"ended\":{\"reason\":\" \"}}",
            "{\"name\":\"web\",\"state\":\"RUNNING\",\"slots\":{\"slots\":[]},\"ended\":{\"reason\":\"x\",\"guest\":\"no\"}}",
            "{\"name\":\"web\",\"state\":\"RUNNING\",\"slots\":{\"slots\":[]},\"ended\":{\"reason\":\"x\",\"guest\":0}}",
            "{\"name\":\"web\",\"state\":\"RUNNING\",\"slots\":{\"slots\":[]},\"ended\":\"yesterday\"}",
            "{\"name\":\"web\",\"name\":\"db\",\"state\":\"RUNNING\",\"slots\":{\"slots\":[]}}",
            "{\"name\":\"web\",\"state\":\"RUNNING\",\"state\":\"STOPPED\",\"slots\":{\"slots\":[]}}",
            "{\"name\":\"web\",\"state\":\"RUNNING\",\"slots\":{\"slots\":[]},\"future\":[1,2}",
            "{\"name\":\"web\",\"state\":\"RUNNING\",\"slots\":{\"slots\":[]},\"bad\":nope}",
            "{\"name\":\"w\u0000eb\",\"state\":\"RUNNING\",\"slots\":{\"slots\":[]}}",
            "{\"name\":\"web\",\"state\":\"RUNNING\",\"slots\":{\"slots\":[]},}");

    /** What VmRecordFile said of a record before the codec: the mapper's reading, as its parse method had it. */
    private static String oracleVerdict(VmRuntimeDir dir, byte[] bytes) {
        try {
            VmRecord r = ORACLE.readValue(bytes, VmRecord.class);
            if (r == null) {
                return "damaged: it is empty or holds only null";
            }
            if (!r.name().equals(dir.name())) {
                return "damaged: it records VM '" + r.name() + "', not '" + dir.name() + "'";
            }
            return "read " + r;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
            return "damaged: " + where + e.getOriginalMessage().lines().findFirst().orElse("");
        } catch (Exception e) {
            return "damaged: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static String verdict(VmRuntimeDir dir) {
        try {
            return "read " + new VmRecordFile(dir).read().orElseThrow();
        } catch (HostdevException e) {
            String prefix = "the record " + dir.stateFile() + " is damaged: ";
            assertEquals(prefix, e.getMessage().substring(0, Math.min(prefix.length(), e.getMessage().length())), e.getMessage());
            assertNotNull(e.hint());
            return "damaged: " + e.getMessage().substring(prefix.length());
        }
    }

    @Test
    void recordsTheCodecCannotReadAreReadOrRejectedByTheMapperAsBefore() throws Exception {
        VmRuntimeDir dir = new VmRuntimeDir(vms, "web");
        dir.create();
        List<String> inputs = new ArrayList<>(LEFT_TO_THE_MAPPER);
        inputs.addAll(READ_WITHOUT_MAPPER);
        // the same inputs spread over lines, so that line numbers count too
        for (String json : LEFT_TO_THE_MAPPER) {
            inputs.add(json.replace(",", ",\n  "));
        }
        for (String json : inputs) {
            byte[] b = json.getBytes(StandardCharsets.UTF_8);
            Files.write(dir.stateFile(), b);
            assertEquals(oracleVerdict(dir, b), verdict(dir), json);
        }
    }

    @Test
    void damagedRecordsAreLeftToTheMapper() {
        for (String json : LEFT_TO_THE_MAPPER) {
            assertThrows(NotAsWritten.class, () -> VmRecordCodec.read(json.getBytes(StandardCharsets.UTF_8)), json);
        }
    }
}
