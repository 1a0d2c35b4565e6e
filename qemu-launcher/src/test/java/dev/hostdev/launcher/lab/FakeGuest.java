package dev.hostdev.launcher.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A lab guest for unit tests: answers the guest protocol's scripts (the batch's start, one command,
 * close) as the guest's {@code hostdev batch} would, with a small model of the lab's devices and
 * drivers, and the walk's shell steps as the guest kernel would. Records every script it was given.
 */
final class FakeGuest implements GuestShell {
    static final String NIC = "0000:01:00.0";
    static final String SPARE = "0000:02:00.0";
    static final String BRIDGE = "0000:03:00.0";
    static final String LEGACY = "0000:04:01.0";
    static final String SIBLING = "0000:04:02.0";

    private static final ObjectMapper JSON = new ObjectMapper();

    final List<String> scripts = new ArrayList<>();
    final List<List<String>> hostdevCommands = new ArrayList<>();
    /** The drivers as the kernel has them. */
    final Map<String, String> drivers = new LinkedHashMap<>(Map.of(NIC, "e1000e", SPARE, "e1000e", BRIDGE, "-",
            LEGACY, "e1000", SIBLING, "e1000"));
    /** When true, detach answers 0 but moves nothing: a Hostdev that says yes where the kernel says no. */
    boolean detachLies;
    private int line;

    @Override
    public GuestResult run(String script, Duration timeout) {
        scripts.add(script);
        if (script.contains("mkfifo") || script.contains("$d/holder")) {
            return ok(script, "");
        }
        if (script.startsWith("d=" + GuestHostdevSession.DIR + "\nprintf")) {
            String sent = script.substring(script.indexOf("printf '%s\\n' ") + "printf '%s\\n' ".length(), script.indexOf(" > $d/in"));
            List<String> args = words(words(sent).get(0));
            hostdevCommands.add(args);
            ObjectNode o = hostdev(args);
            o.put("line", ++line).put("command", String.join(" ", args));
            return ok(script, o + "\n");
        }
        if (script.equals("lspci -Dn")) {
            return ok(script, LabDevicesTest.LSPCI);
        }
        if (script.equals(LabDevices.GROUPS_COMMAND)) {
            return ok(script, LabDevicesTest.GROUPS);
        }
        if (script.startsWith("for d in ")) {
            StringBuilder out = new StringBuilder();
            drivers.forEach((a, d) -> out.append(a).append(' ').append(d).append('\n'));
            TreeSet<String> vfio = new TreeSet<>();
            drivers.forEach((a, d) -> {
                if (d.equals("vfio-pci")) {
                    vfio.add(groupOf(a));
                }
            });
            out.append("vfio: ").append(vfio.isEmpty() ? "" : String.join(" ", vfio) + " vfio").append('\n');
            return ok(script, out.toString());
        }
        if (script.contains("ps -eo comm=")) {
            return ok(script, "0\n");
        }
        return new GuestResult(script, 127, "", "fake guest: no answer to " + script, Duration.ZERO);
    }

    private ObjectNode hostdev(List<String> a) {
        ObjectNode o = JSON.createObjectNode().put("exit", 0).put("stdout", "").put("stderr", "");
        switch (a.get(0)) {
            case "list" -> o.put("stdout", listJson());
            case "groups" -> o.put("stdout", groupsJson());
            case "show" -> o.put("stdout", a.get(1).equals(NIC) ? "{\"driver\":\"e1000e\",\"iommu_group\":11}"
                    : "{\"driver\":\"e1000\",\"iommu_group\":13,\"iommu_group_viable\":false,\"iommu_group_members\":["
                    + "{\"address\":\"" + BRIDGE + "\"},{\"address\":\"" + LEGACY + "\"},{\"address\":\"" + SIBLING + "\"}]}");
            case "detach" -> {
                if (a.contains("--group")) {
                    drivers.put(LEGACY, "vfio-pci");
                    drivers.put(SIBLING, "vfio-pci");
                } else if (a.get(1).equals(LEGACY)) {
                    o.put("exit", 4).put("stderr", "hostdev: IOMMU group 13 is not viable: 04:02.0 is on e1000\nhint: --group\n");
                } else if (!detachLies) {
                    drivers.put(a.get(1), "vfio-pci");
                }
            }
            case "vm" -> {
                if (a.get(1).equals("status")) {
                    o.put("stdout", "{\"state\":\"running\",\"devices\":[{\"host\":\"" + NIC + "\"},{\"host\":\"" + SPARE
                            + "\"},{\"host\":\"" + LEGACY + "\"}]}");
                } else if (a.get(1).equals("stop")) {
                    drivers.put(SPARE, "e1000e");
                }
            }
            case "attach" -> {
                if (a.contains("--managed")) {
                    drivers.put(SPARE, "vfio-pci");
                    o.put("stdout", "{\"id\":\"" + a.get(a.indexOf("--id") + 1) + "\",\"root_port\":\"pci.4\"}");
                } else {
                    o.put("stdout", "{\"id\":\"hp2\",\"bus\":\"pci.3\",\"addr\":\"0x1\"}");
                }
            }
            case "unplug" -> o.put("exit", 10).put("stderr", "hostdev: no guest acknowledged the unplug of hp-spare within 3 s\n");
            case "reattach" -> {
                drivers.put(NIC, "e1000e");
                drivers.put(LEGACY, "e1000");
                drivers.put(SIBLING, "e1000");
            }
            default -> o.put("exit", 2).put("stderr", "hostdev: unknown command " + a.get(0) + "\n");
        }
        return o;
    }

    private static String groupOf(String address) {
        return LabDevices.find(LabDevicesTest.LSPCI, LabDevicesTest.GROUPS).groupOf(address);
    }

    private static String listJson() {
        ArrayNode pci = JSON.createArrayNode();
        for (GuestPciDevice d : GuestPciDevice.parseLspci(LabDevicesTest.LSPCI)) {
            pci.addObject().put("address", d.address()).put("class", "0x" + d.classId() + "00")
                    .put("vendor_id", "0x" + d.id().substring(0, 4)).put("device_id", "0x" + d.id().substring(5))
                    .put("iommu_group", Integer.parseInt(groupOf(d.address())));
        }
        ObjectNode root = JSON.createObjectNode();
        root.set("pci", pci);
        return root.toString();
    }

    private static String groupsJson() {
        Map<String, ArrayNode> byGroup = new LinkedHashMap<>();
        LabDevices.find(LabDevicesTest.LSPCI, LabDevicesTest.GROUPS).groups().forEach((a, g) ->
                byGroup.computeIfAbsent(g, k -> JSON.createArrayNode()).addObject().put("address", a));
        ObjectNode root = JSON.createObjectNode();
        ArrayNode groups = root.putArray("groups");
        byGroup.forEach((g, devices) -> groups.addObject().put("number", Integer.parseInt(g)).set("devices", devices));
        return root.toString();
    }

    /** Splits shell words: single quotes only, as {@link HostdevLauncher#quote} writes them. */
    static List<String> words(String s) {
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'') {
                int end = s.indexOf('\'', i + 1);
                w.append(s, i + 1, end);
                i = end;
                inWord = true;
            } else if (c == '\\' && i + 1 < s.length()) {
                w.append(s.charAt(++i));
                inWord = true;
            } else if (c == ' ') {
                if (inWord) {
                    words.add(w.toString());
                    w.setLength(0);
                    inWord = false;
                }
            } else {
                w.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(w.toString());
        }
        return words;
    }

    private static GuestResult ok(String script, String out) {
        return new GuestResult(script, 0, out, "", Duration.ZERO);
    }

    /** Every shell script the whole walk sends to its guest, for the audit of the programs it runs. */
    static List<String> shellScriptsOfTheWalk() {
        FakeGuest g = new FakeGuest();
        LabWalkTest.walk(g, Path.of(System.getProperty("java.io.tmpdir")));
        return g.scripts;
    }

}
