package dev.hostdev.engine.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.hostdev.engine.pci.PciAddress;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a journal entry strictly: recovery writes to the kernel what an entry says, so an entry is taken
 * only if it is exactly what Hostdev writes. Every key must be known and present (a mis-cased or missing
 * key is not a default: every such key is named), scalars have their own JSON types, and every value is checked: the operation,
 * canonical PCI addresses (each once), {@code vendor:device} ids, driver names that are plain names (they
 * become sysfs paths), the boot id's form, and the progress within the steps.
 */
final class JournalEntryParser {
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
            .build();
    private static final PropertyNamingStrategies.NamingBase SNAKE =
            (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;
    private static final Pattern PCI_ID = Pattern.compile("[0-9a-f]{4}:[0-9a-f]{4}");
    private static final Pattern DRIVER = Pattern.compile("[A-Za-z0-9_.:+-]{1,64}");
    private static final Pattern BOOT_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern ADDRESS_IN_TEXT = Pattern.compile("[0-9a-fA-F]{4,8}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7]");

    /** Why an entry is not taken. */
    static final class InvalidEntry extends Exception {
        InvalidEntry(String message) {
            super(message);
        }
    }

    private JournalEntryParser() {
    }

    /**
     * @throws InvalidEntry saying what is wrong (the first unknown or missing key, or every bad value)
     */
    static JournalEntry parse(byte[] json) throws InvalidEntry {
        JournalEntry entry;
        try {
            JsonNode tree = STRICT.readTree(json);
            List<String> keys = new ArrayList<>();
            checkKeys(tree, JournalEntry.class, "", keys);
            JsonNode devices = tree == null ? null : tree.get("devices");
            if (devices != null && devices.isArray()) {
                for (int i = 0; i < devices.size(); i++) {
                    checkKeys(devices.get(i), JournalEntry.JournalDevice.class, "devices[" + i + "].", keys);
                }
            }
            if (!keys.isEmpty()) {
                throw new InvalidEntry(String.join("; ", keys));
            }
            entry = STRICT.treeToValue(tree, JournalEntry.class);
        } catch (JsonMappingException e) {
            throw new InvalidEntry(path(e) + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new InvalidEntry(e.getOriginalMessage() + at(e));
        } catch (java.io.IOException | RuntimeException e) {
            throw new InvalidEntry(String.valueOf(e.getMessage()));
        }
        List<String> problems = problems(entry);
        if (!problems.isEmpty()) {
            throw new InvalidEntry(String.join("; ", problems));
        }
        return entry;
    }

    /** Every key of the record's JSON form must be there, and no other; the names are the record's own, in snake_case. */
    private static void checkKeys(JsonNode node, Class<? extends Record> type, String where, List<String> problems) {
        if (node == null || !node.isObject()) {
            problems.add((where.isEmpty() ? "the entry" : where.substring(0, where.length() - 1)) + " is not a JSON object");
            return;
        }
        Set<String> expected = new LinkedHashSet<>();
        for (RecordComponent c : type.getRecordComponents()) {
            expected.add(SNAKE.translate(c.getName()));
        }
        node.fieldNames().forEachRemaining(k -> {
            if (!expected.contains(k)) {
                problems.add("unknown key \"" + where + k + "\"");
            }
        });
        for (String k : expected) {
            if (!node.has(k)) {
                problems.add("missing key \"" + where + k + "\"");
            }
        }
    }

    private static String path(JsonMappingException e) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                b.append(b.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.length() == 0 ? "" : b + ": ";
    }

    private static String at(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
    }

    /** Everything wrong with an entry's values. */
    static List<String> problems(JournalEntry e) {
        List<String> p = new ArrayList<>();
        if (!e.operation().equals("detach") && !e.operation().equals("reattach") && !e.operation().equals("sriov")) {
            p.add("operation \"" + e.operation() + "\" is not detach, reattach or sriov");
        }
        if (e.pid() <= 0) {
            p.add("pid " + e.pid() + " is not a process id");
        }
        if (e.requester() == null || e.startedAt() == null) {
            p.add("requester and started_at must be strings");
        }
        if (e.bootId() != null && !BOOT_ID.matcher(e.bootId()).matches()) {
            p.add("boot_id \"" + e.bootId() + "\" is not a boot id");
        }
        if (e.devices().isEmpty()) {
            p.add("it names no device");
        }
        Set<String> seen = new HashSet<>();
        for (JournalEntry.JournalDevice d : e.devices()) {
            String a = d.address();
            PciAddress parsed = PciAddress.tryParse(a);
            if (parsed == null || !parsed.toString().equals(a)) {
                p.add("address \"" + a + "\" is not a canonical PCI address");
            } else if (!seen.add(a)) {
                p.add(a + " is listed twice");
            }
            if (d.pciId() == null || !PCI_ID.matcher(d.pciId()).matches()) {
                p.add(a + ": pci_id " + quoted(d.pciId()) + " is not vendor:device");
            }
            checkDriver(p, a, "original_driver", d.originalDriver());
            checkDriver(p, a, "original_driver_override", d.originalDriverOverride());
            checkDriver(p, a, "recorded_driver", d.recordedDriver());
            checkDriver(p, a, "target_driver", d.targetDriver());
            if (e.operation().equals("detach") && d.targetDriver() == null) {
                p.add(a + ": a detach must name its target_driver");
            }
            if (d.steps().stream().anyMatch(s -> s == null)) {
                p.add(a + ": a step is not a string");
            }
            if (d.stepsDone() < 0 || d.stepsDone() > d.steps().size()) {
                p.add(a + ": steps_done " + d.stepsDone() + " is outside 0.." + d.steps().size());
            }
        }
        return p;
    }

    private static void checkDriver(List<String> p, String address, String key, String value) {
        if (value != null && (!DRIVER.matcher(value).matches() || value.equals(".") || value.equals(".."))) {
            p.add(address + ": " + key + " " + quoted(value) + " is not a driver name");
        }
    }

    private static String quoted(String s) {
        return s == null ? "null" : "\"" + s.replaceAll("[^\\x20-\\x7e]", "?") + "\"";
    }

    /** The PCI addresses that appear anywhere in an entry's text: what can be read of one that is refused. */
    static List<String> addressesIn(byte[] raw) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = ADDRESS_IN_TEXT.matcher(new String(raw, StandardCharsets.UTF_8));
        while (m.find()) {
            PciAddress a = PciAddress.tryParse(m.group());
            if (a != null) {
                out.add(a.toString());
            }
        }
        return List.copyOf(out);
    }
}
