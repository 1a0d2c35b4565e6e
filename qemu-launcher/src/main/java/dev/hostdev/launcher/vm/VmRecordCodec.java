package dev.hostdev.launcher.vm;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.hostdev.engine.json.JsonTrees;
import dev.hostdev.engine.json.NotAsWritten;
import dev.hostdev.engine.json.WrittenFormReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link VmRecord} as {@code state.json} holds it, written and read with jackson-core's streaming API instead of an
 * {@code ObjectMapper} (whose construction cost every cold command some 100 ms).
 *
 * <p>{@link #write} gives exactly the bytes {@code new ObjectMapper().writeValueAsBytes(record)} gives: the record
 * components in order, nulls written (but a {@link Slot}'s {@code sizedFor}, {@code occupant} and
 * {@code pref64Reserve} left out when null, as its {@code @JsonInclude(NON_NULL)} says), enums by name.
 *
 * <p>{@link #read} reads the form Hostdev writes, in any key order, with unknown keys skipped and missing ones null
 * (zero, false), as the mapper does. Anything else (a value of another JSON type than written, which the mapper may
 * coerce or reject; a key given twice; a value a record's constructor refuses; a syntax error) makes it give up with
 * {@link NotAsWritten}: the caller then reads the bytes with the mapper, which accepts or rejects them with the
 * message it always had. So an intact record never builds a mapper, and a damaged one is reported as before.
 */
final class VmRecordCodec {
    private VmRecordCodec() {
    }

    /** The record as JSON, byte for byte as {@code new ObjectMapper().writeValueAsBytes(record)}. */
    static byte[] write(VmRecord r) {
        ByteArrayBuilder out = new ByteArrayBuilder();
        try (JsonGenerator g = JsonTrees.FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("name", r.name());
            g.writeStringField("spec", r.spec());
            writeStrings(g, "argv", r.argv());
            g.writeStringField("state", r.state().name());
            writeProcess(g, "qemu", r.qemu());
            writeProcess(g, "supervisor", r.supervisor());
            g.writeStringField("startedAt", r.startedAt());
            g.writeNumberField("spareRootPorts", r.spareRootPorts());
            g.writeStringField("usbBus", r.usbBus());
            g.writeObjectFieldStart("slots");
            g.writeArrayFieldStart("slots");
            for (Slot s : r.slots().slots()) {
                writeSlot(g, s);
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeArrayFieldStart("devices");
            for (VmDevice d : r.devices()) {
                writeDevice(g, d);
            }
            g.writeEndArray();
            writeStrings(g, "managed", r.managed());
            g.writeFieldName("ended");
            if (r.ended() == null) {
                g.writeNull();
            } else {
                g.writeStartObject();
                g.writeStringField("reason", r.ended().reason());
                g.writeFieldName("guest");
                if (r.ended().guest() == null) {
                    g.writeNull();
                } else {
                    g.writeBoolean(r.ended().guest());
                }
                g.writeStringField("at", r.ended().at());
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in memory: does not happen
        }
        return out.toByteArray();
    }

    private static void writeStrings(JsonGenerator g, String name, List<String> values) throws IOException {
        g.writeArrayFieldStart(name);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    private static void writeProcess(JsonGenerator g, String name, ProcessIdentity p) throws IOException {
        g.writeFieldName(name);
        if (p == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        g.writeNumberField("pid", p.pid());
        g.writeNumberField("startEpochMillis", p.startEpochMillis());
        g.writeStringField("executable", p.executable());
        g.writeStringField("bootId", p.bootId());
        g.writeEndObject();
    }

    private static void writeSlot(JsonGenerator g, Slot s) throws IOException {
        g.writeStartObject();
        g.writeStringField("kind", s.kind().name());
        g.writeStringField("bus", s.bus());
        g.writeStringField("addr", s.addr());
        g.writeStringField("rootPort", s.rootPort());
        g.writeStringField("role", s.role());
        if (s.sizedFor() != null) {
            g.writeStringField("sizedFor", s.sizedFor());
        }
        if (s.occupant() != null) {
            g.writeStringField("occupant", s.occupant());
        }
        if (s.pref64Reserve() != null) {
            g.writeNumberField("pref64Reserve", s.pref64Reserve().longValue());
        }
        g.writeEndObject();
    }

    private static void writeDevice(JsonGenerator g, VmDevice d) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", d.id());
        g.writeStringField("driver", d.driver());
        g.writeStringField("bus", d.bus());
        g.writeStringField("addr", d.addr());
        g.writeStringField("rootPort", d.rootPort());
        g.writeStringField("host", d.host());
        g.writeBooleanField("managed", d.managed());
        g.writeBooleanField("hotplugged", d.hotplugged());
        g.writeEndObject();
    }

    /**
     * The record in {@code json}, or {@code null} when it holds only {@code null} (as the mapper reads it).
     *
     * @throws NotAsWritten when the bytes are not in the form written (see the class comment): never a guess
     */
    static VmRecord read(byte[] json) throws NotAsWritten {
        try (JsonParser p = JsonTrees.FACTORY.createParser(json)) {
            JsonToken t = p.nextToken();
            if (t == JsonToken.VALUE_NULL) {
                return null;
            }
            return record(new WrittenFormReader(p).object());
        } catch (IOException | RuntimeException e) {
            // a syntax error, or a value a record's constructor refused: the mapper says it as it always did
            throw new NotAsWritten(String.valueOf(e.getMessage()));
        }
    }

    private static VmRecord record(WrittenFormReader r) throws IOException, NotAsWritten {
        String name = null;
        String spec = null;
        List<String> argv = null;
        VmState state = null;
        ProcessIdentity qemu = null;
        ProcessIdentity supervisor = null;
        String startedAt = null;
        int spareRootPorts = 0;
        String usbBus = null;
        SlotMap slots = null;
        List<VmDevice> devices = null;
        List<String> managed = null;
        VmEnd ended = null;
        for (String key = r.nextKey(); key != null; key = r.nextKey()) {
            switch (key) {
                case "name" -> name = r.text();
                case "spec" -> spec = r.text();
                case "argv" -> argv = r.strings();
                case "state" -> state = r.constant(VmState.values());
                case "qemu" -> qemu = r.isNull() ? null : process(r.object());
                case "supervisor" -> supervisor = r.isNull() ? null : process(r.object());
                case "startedAt" -> startedAt = r.text();
                case "spareRootPorts" -> spareRootPorts = r.intValue();
                case "usbBus" -> usbBus = r.text();
                case "slots" -> slots = r.isNull() ? null : slotMap(r.object());
                case "devices" -> devices = devices(r);
                case "managed" -> managed = r.strings();
                case "ended" -> ended = r.isNull() ? null : end(r.object());
                default -> r.skipValue();
            }
        }
        return new VmRecord(name, spec, argv, state, qemu, supervisor, startedAt, spareRootPorts, usbBus, slots, devices, managed, ended);
    }

    private static ProcessIdentity process(WrittenFormReader r) throws IOException, NotAsWritten {
        long pid = 0;
        long start = 0;
        String executable = null;
        String bootId = null;
        for (String key = r.nextKey(); key != null; key = r.nextKey()) {
            switch (key) {
                case "pid" -> pid = r.longValue();
                case "startEpochMillis" -> start = r.longValue();
                case "executable" -> executable = r.text();
                case "bootId" -> bootId = r.text();
                default -> r.skipValue();
            }
        }
        return new ProcessIdentity(pid, start, executable, bootId);
    }

    private static SlotMap slotMap(WrittenFormReader r) throws IOException, NotAsWritten {
        List<Slot> slots = null;
        for (String key = r.nextKey(); key != null; key = r.nextKey()) {
            if (!key.equals("slots")) {
                r.skipValue();
                continue;
            }
            r.startArray();
            slots = new ArrayList<>();
            while (r.nextElement()) {
                slots.add(slot(r.object()));
            }
        }
        return new SlotMap(slots);
    }

    private static Slot slot(WrittenFormReader r) throws IOException, NotAsWritten {
        SlotKind kind = null;
        String bus = null;
        String addr = null;
        String rootPort = null;
        String role = null;
        String sizedFor = null;
        String occupant = null;
        Long pref64Reserve = null;
        for (String key = r.nextKey(); key != null; key = r.nextKey()) {
            switch (key) {
                case "kind" -> kind = r.constant(SlotKind.values());
                case "bus" -> bus = r.text();
                case "addr" -> addr = r.text();
                case "rootPort" -> rootPort = r.text();
                case "role" -> role = r.text();
                case "sizedFor" -> sizedFor = r.text();
                case "occupant" -> occupant = r.text();
                case "pref64Reserve" -> pref64Reserve = r.isNull() ? null : r.longValue();
                default -> r.skipValue();
            }
        }
        return new Slot(kind, bus, addr, rootPort, role, sizedFor, occupant, pref64Reserve);
    }

    private static List<VmDevice> devices(WrittenFormReader r) throws IOException, NotAsWritten {
        if (r.isNull()) {
            return null;
        }
        r.startArray();
        List<VmDevice> out = new ArrayList<>();
        while (r.nextElement()) {
            out.add(device(r.object()));
        }
        return out;
    }

    private static VmDevice device(WrittenFormReader r) throws IOException, NotAsWritten {
        String id = null;
        String driver = null;
        String bus = null;
        String addr = null;
        String rootPort = null;
        String host = null;
        boolean managed = false;
        boolean hotplugged = false;
        for (String key = r.nextKey(); key != null; key = r.nextKey()) {
            switch (key) {
                case "id" -> id = r.text();
                case "driver" -> driver = r.text();
                case "bus" -> bus = r.text();
                case "addr" -> addr = r.text();
                case "rootPort" -> rootPort = r.text();
                case "host" -> host = r.text();
                case "managed" -> managed = r.bool();
                case "hotplugged" -> hotplugged = r.bool();
                default -> r.skipValue();
            }
        }
        return new VmDevice(id, driver, bus, addr, rootPort, host, managed, hotplugged);
    }

    private static VmEnd end(WrittenFormReader r) throws IOException, NotAsWritten {
        String reason = null;
        Boolean guest = null;
        String at = null;
        for (String key = r.nextKey(); key != null; key = r.nextKey()) {
            switch (key) {
                case "reason" -> reason = r.text();
                case "guest" -> guest = r.isNull() ? null : r.bool();
                case "at" -> at = r.text();
                default -> r.skipValue();
            }
        }
        return new VmEnd(reason, guest, at);
    }
}
