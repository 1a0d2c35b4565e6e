package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hostdev.engine.testing.GeneratedHosts;
import dev.hostdev.engine.testing.SampleHosts;
import dev.hostdev.engine.testing.SysfsTree;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * Every name Hostdev prints for a device ({@code list} and {@code list --json}, {@code show} as text,
 * JSON and libvirt XML: addresses, bus-ports, sysfs names, libvirt node device names, IDs, parents) is
 * accepted by {@code show}, and shows that device; an ID several devices share is refused with a
 * message naming them.
 */
class EveryNameIsAcceptedTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Set<String> triedNames = new java.util.HashSet<>();

    @TempDir
    Path dir;

    @Test
    void workstationWithTwoUsbBuses() throws Exception {
        SysfsTree t = SampleHosts.workstation(dir);
        // a second controller: its root hub has the same ID as the first's (1d6b:0002)
        t.pci("0000:00:14.3").vendor(0x8086).device(0xa36e).klass(0x0c0330).driver("xhci_hcd").iommuGroup(8).add();
        t.usb("2-1").controller("0000:00:14.3").vendor(0x0781).product(0x5581).productName("Ultra").add();
        int names = checkEveryName();
        assertTrue(names > 60, "names checked: " + names);
    }

    @Test
    void generatedServer() throws Exception {
        GeneratedHosts.sriovServer(dir, 120, 11);
        checkEveryName();
    }

    @Test
    void theNamesOfTheIssueAreAccepted() throws Exception {
        SampleHosts.workstation(dir);
        assertEquals("1-3.1", showJson("usb_1_3_1").get("name").asText());
        assertEquals("usb1", showJson("usb1").get("name").asText());
        assertEquals("usb1", showJson("usb_usb1").get("name").asText());
        assertEquals("usb1", showJson("1d6b:0002").get("name").asText());
        assertEquals("0000:02:00.0", showJson("8086:10c9").get("address").asText());
        CliRun shared = show("8086:10ca");
        assertEquals(2, shared.exitCode(), shared.err());
        assertTrue(shared.err().contains("0000:02:10.0, 0000:02:10.2"), shared.err());
        CliRun none = show("dead:beef");
        assertEquals(3, none.exitCode(), none.err());
        assertTrue(none.err().contains("no USB or PCI device has ID dead:beef"), none.err());
        CliRun hubXml = show("usb1", "--hostdev-xml");
        assertEquals(2, hubXml.exitCode());
        assertTrue(hubXml.err().contains("root hub of USB bus 1"), hubXml.err());
    }

    /** Checks every name of every device; returns how many names were tried. */
    private int checkEveryName() throws Exception {
        JsonNode list = JSON.readTree(run("list", "--all", "--json").out());
        String text = run("list", "--all").out();
        Map<String, List<String>> byId = new HashMap<>();
        for (JsonNode d : list.get("pci")) {
            byId.computeIfAbsent(id(d.get("vendor_id"), d.get("device_id")), k -> new ArrayList<>()).add(d.get("address").asText());
        }
        for (JsonNode d : list.get("usb")) {
            byId.computeIfAbsent(id(d.get("vendor_id"), d.get("product_id")), k -> new ArrayList<>()).add(d.get("name").asText());
        }
        int tried = 0;
        for (JsonNode d : list.get("pci")) {
            String address = d.get("address").asText();
            Set<String> names = new LinkedHashSet<>(List.of(address, d.get("nodedev_name").asText(),
                    id(d.get("vendor_id"), d.get("device_id"))));
            names.addAll(namesOnTextLine(text, address));
            names.addAll(relatedNames(address));
            for (String name : names) {
                tried += accepted(name, byId);
            }
        }
        for (JsonNode d : list.get("usb")) {
            String name = d.get("name").asText();
            Set<String> names = new LinkedHashSet<>(List.of(name, d.get("nodedev_name").asText(),
                    id(d.get("vendor_id"), d.get("product_id"))));
            if (!d.get("port").isNull()) {
                names.add(d.get("port").asText());
            }
            names.addAll(relatedNames(name));
            for (String n : names) {
                tried += accepted(n, byId);
            }
        }
        return tried;
    }

    /** The names on {@code list}'s text line of a PCI device: its address and {@code [vvvv:dddd]}. */
    private static List<String> namesOnTextLine(String text, String address) {
        String line = text.lines().filter(l -> l.startsWith(address + " ")).findFirst().orElseThrow();
        Matcher m = Pattern.compile("\\[([0-9a-f]{4}:[0-9a-f]{4})\\]").matcher(line);
        List<String> out = new ArrayList<>(List.of(line.substring(0, line.indexOf(' '))));
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** The names {@code show} prints for a device's relatives: parent, group members, VFs, PF, XML parent. */
    private List<String> relatedNames(String name) throws Exception {
        List<String> out = new ArrayList<>();
        JsonNode j = showJson(name);
        for (String field : List.of("parent", "physfn")) {
            if (j.hasNonNull(field)) {
                out.add(j.get(field).asText());
            }
        }
        for (JsonNode m : j.path("iommu_group_members")) {
            out.add(m.get("address").asText());
        }
        if (j.hasNonNull("sriov")) {
            j.get("sriov").get("vfs").forEach(vf -> out.add(vf.asText()));
        }
        for (String line : show(name).out().lines().toList()) {
            Matcher m = Pattern.compile("^  (nodedev name|parent|bus-port): +(\\S+)$").matcher(line);
            if (m.matches()) {
                out.add(m.group(2));
            }
        }
        Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(show(name, "--xml").out().getBytes(StandardCharsets.UTF_8)));
        var x = XPathFactory.newInstance().newXPath();
        out.add(x.evaluate("/device/name", xml));
        String parent = x.evaluate("/device/parent", xml);
        if (!parent.equals("computer")) {
            out.add(parent);
        }
        return out;
    }

    /** {@code show NAME} shows the device the name belongs to, or refuses an ID shared by several naming them. */
    private int accepted(String name, Map<String, List<String>> byId) throws Exception {
        if (!triedNames.add(name)) {
            return 0; // what show answers depends on the name alone: an ID every VF shares is tried once, not once per VF
        }
        List<String> sharing = byId.get(name);
        CliRun r = show(name, "--json");
        if (sharing != null && sharing.size() > 1) {
            assertEquals(2, r.exitCode(), name + ": " + r.out());
            for (String s : sharing) {
                assertTrue(r.out().contains(s), name + " is shared; the error names " + s + ": " + r.out());
            }
            return 1;
        }
        assertEquals(0, r.exitCode(), "show " + name + ": " + r.out());
        JsonNode j = JSON.readTree(r.out());
        String shown = j.has("address") ? j.get("address").asText() : j.get("name").asText();
        if (sharing != null) {
            assertEquals(sharing.get(0), shown, "show " + name);
        }
        return 1;
    }

    private JsonNode showJson(String name) throws Exception {
        CliRun r = show(name, "--json");
        assertEquals(0, r.exitCode(), "show " + name + ": " + r.out());
        return JSON.readTree(r.out());
    }

    private CliRun show(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "show";
        System.arraycopy(args, 0, all, 1, args.length);
        return run(all);
    }

    private CliRun run(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--root";
        all[args.length + 1] = dir.toString();
        return CliRun.run(all);
    }

    private static String id(JsonNode vendor, JsonNode device) {
        return vendor.asText().substring(2) + ":" + device.asText().substring(2);
    }
}
