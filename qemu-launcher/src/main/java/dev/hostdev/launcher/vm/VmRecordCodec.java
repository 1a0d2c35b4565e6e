package dev.hostdev.launcher.vm;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.hostdev.engine.json.JsonTrees;
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
 * {@link NeedsMapper}: the caller then reads the bytes with the mapper, which accepts or rejects them with the
 * message it always had. So an intact record never builds a mapper, and a damaged one is reported as before.
 */
final class VmRecordCodec {
    private VmRecordCodec() {
    }

    /** The bytes were not in the form {@link #write} gives and need the mapper to be read or rejected. */
    static final class NeedsMapper extends Exception {
        private static final long serialVersionUID = 1L;

        NeedsMapper(String why) {
            super(why, null, false, false);
        }
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
     * @throws NeedsMapper when the bytes are not in the form written (see the class comment): never a guess
     */
    static VmRecord read(byte[] json) throws NeedsMapper {
        try (JsonParser p = JsonTrees.FACTORY.createParser(json)) {
            JsonToken t = p.nextToken();
            if (t == JsonToken.VALUE_NULL) {
                return null;
            }
            if (t != JsonToken.START_OBJECT) {
                throw new NeedsMapper("not an object");
            }
            return record(p);
        } catch (IOException | RuntimeException e) {
            // a syntax error, or a value a record's constructor refused: the mapper says it as it always did
            throw new NeedsMapper(String.valueOf(e.getMessage()));
        }
    }

    /** Which keys of an object were seen, to give up on one given twice (the mapper's way with those is its own). */
    private static final class Seen {
        private final List<String> names = new ArrayList<>(16);

        void add(String name) throws NeedsMapper {
            if (names.contains(name)) {
                throw new NeedsMapper("key " + name + " given twice");
            }
            names.add(name);
        }
    }

    private static VmRecord record(JsonParser p) throws IOException, NeedsMapper {
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
        Seen seen = new Seen();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken t = p.nextToken();
            switch (key) {
                case "name" -> name = text(p, t);
                case "spec" -> spec = text(p, t);
                case "argv" -> argv = strings(p, t);
                case "state" -> state = t == JsonToken.VALUE_NULL ? null : VmState.valueOf(constant(p, t, VmState.values()));
                case "qemu" -> qemu = process(p, t);
                case "supervisor" -> supervisor = process(p, t);
                case "startedAt" -> startedAt = text(p, t);
                case "spareRootPorts" -> spareRootPorts = intValue(p, t);
                case "usbBus" -> usbBus = text(p, t);
                case "slots" -> slots = slotMap(p, t);
                case "devices" -> devices = devices(p, t);
                case "managed" -> managed = strings(p, t);
                case "ended" -> ended = end(p, t);
                default -> {
                    p.skipChildren();
                    continue;
                }
            }
            seen.add(key);
        }
        return new VmRecord(name, spec, argv, state, qemu, supervisor, startedAt, spareRootPorts, usbBus, slots, devices, managed, ended);
    }

    private static ProcessIdentity process(JsonParser p, JsonToken t) throws IOException, NeedsMapper {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expectObject(t);
        long pid = 0;
        long start = 0;
        String executable = null;
        String bootId = null;
        Seen seen = new Seen();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken v = p.nextToken();
            switch (key) {
                case "pid" -> pid = longValue(p, v);
                case "startEpochMillis" -> start = longValue(p, v);
                case "executable" -> executable = text(p, v);
                case "bootId" -> bootId = text(p, v);
                default -> {
                    p.skipChildren();
                    continue;
                }
            }
            seen.add(key);
        }
        return new ProcessIdentity(pid, start, executable, bootId);
    }

    private static SlotMap slotMap(JsonParser p, JsonToken t) throws IOException, NeedsMapper {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expectObject(t);
        List<Slot> slots = null;
        Seen seen = new Seen();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken v = p.nextToken();
            if (!key.equals("slots")) {
                p.skipChildren();
                continue;
            }
            seen.add(key);
            if (v != JsonToken.START_ARRAY) {
                throw new NeedsMapper("slots is not an array");
            }
            slots = new ArrayList<>();
            while ((v = p.nextToken()) != JsonToken.END_ARRAY) {
                expectObject(v);
                slots.add(slot(p));
            }
        }
        return new SlotMap(slots);
    }

    private static Slot slot(JsonParser p) throws IOException, NeedsMapper {
        SlotKind kind = null;
        String bus = null;
        String addr = null;
        String rootPort = null;
        String role = null;
        String sizedFor = null;
        String occupant = null;
        Long pref64Reserve = null;
        Seen seen = new Seen();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken v = p.nextToken();
            switch (key) {
                case "kind" -> kind = v == JsonToken.VALUE_NULL ? null : SlotKind.valueOf(constant(p, v, SlotKind.values()));
                case "bus" -> bus = text(p, v);
                case "addr" -> addr = text(p, v);
                case "rootPort" -> rootPort = text(p, v);
                case "role" -> role = text(p, v);
                case "sizedFor" -> sizedFor = text(p, v);
                case "occupant" -> occupant = text(p, v);
                case "pref64Reserve" -> pref64Reserve = v == JsonToken.VALUE_NULL ? null : longValue(p, v);
                default -> {
                    p.skipChildren();
                    continue;
                }
            }
            seen.add(key);
        }
        return new Slot(kind, bus, addr, rootPort, role, sizedFor, occupant, pref64Reserve);
    }

    private static List<VmDevice> devices(JsonParser p, JsonToken t) throws IOException, NeedsMapper {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.START_ARRAY) {
            throw new NeedsMapper("devices is not an array");
        }
        List<VmDevice> out = new ArrayList<>();
        JsonToken v;
        while ((v = p.nextToken()) != JsonToken.END_ARRAY) {
            expectObject(v);
            out.add(device(p));
        }
        return out;
    }

    private static VmDevice device(JsonParser p) throws IOException, NeedsMapper {
        String id = null;
        String driver = null;
        String bus = null;
        String addr = null;
        String rootPort = null;
        String host = null;
        boolean managed = false;
        boolean hotplugged = false;
        Seen seen = new Seen();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken v = p.nextToken();
            switch (key) {
                case "id" -> id = text(p, v);
                case "driver" -> driver = text(p, v);
                case "bus" -> bus = text(p, v);
                case "addr" -> addr = text(p, v);
                case "rootPort" -> rootPort = text(p, v);
                case "host" -> host = text(p, v);
                case "managed" -> managed = bool(v);
                case "hotplugged" -> hotplugged = bool(v);
                default -> {
                    p.skipChildren();
                    continue;
                }
            }
            seen.add(key);
        }
        return new VmDevice(id, driver, bus, addr, rootPort, host, managed, hotplugged);
    }

    private static VmEnd end(JsonParser p, JsonToken t) throws IOException, NeedsMapper {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expectObject(t);
        String reason = null;
        Boolean guest = null;
        String at = null;
        Seen seen = new Seen();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken v = p.nextToken();
            switch (key) {
                case "reason" -> reason = text(p, v);
                case "guest" -> guest = v == JsonToken.VALUE_NULL ? null : bool(v);
                case "at" -> at = text(p, v);
                default -> {
                    p.skipChildren();
                    continue;
                }
            }
            seen.add(key);
        }
        return new VmEnd(reason, guest, at);
    }

    private static void expectObject(JsonToken t) throws NeedsMapper {
        if (t != JsonToken.START_OBJECT) {
            throw new NeedsMapper("not an object: " + t);
        }
    }

    private static String text(JsonParser p, JsonToken t) throws IOException, NeedsMapper {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw new NeedsMapper("not a string: " + t);
        }
        return p.getText();
    }

    private static List<String> strings(JsonParser p, JsonToken t) throws IOException, NeedsMapper {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.START_ARRAY) {
            throw new NeedsMapper("not an array: " + t);
        }
        List<String> out = new ArrayList<>();
        JsonToken v;
        while ((v = p.nextToken()) != JsonToken.END_ARRAY) {
            if (v != JsonToken.VALUE_STRING) {
                throw new NeedsMapper("not a string: " + v);
            }
            out.add(p.getText());
        }
        return out;
    }

    private static int intValue(JsonParser p, JsonToken t) throws IOException, NeedsMapper {
        if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
            throw new NeedsMapper("not an int: " + t);
        }
        return p.getIntValue();
    }

    private static long longValue(JsonParser p, JsonToken t) throws IOException, NeedsMapper {
        if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw new NeedsMapper("not a long: " + t);
        }
        return p.getLongValue();
    }

    private static boolean bool(JsonToken t) throws NeedsMapper {
        if (t == JsonToken.VALUE_TRUE) {
            return true;
        }
        if (t == JsonToken.VALUE_FALSE) {
            return false;
        }
        throw new NeedsMapper("not a boolean: " + t);
    }

    /** The name of one of {@code constants} that the string at {@code t} is exactly. */
    private static String constant(JsonParser p, JsonToken t, Enum<?>[] constants) throws IOException, NeedsMapper {
        String s = text(p, t);
        for (Enum<?> c : constants) {
            if (c.name().equals(s)) {
                return s;
            }
        }
        throw new NeedsMapper("not a constant: " + s);
    }
}
